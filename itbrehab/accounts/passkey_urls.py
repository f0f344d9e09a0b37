"""The URLs django-otp-webauthn's script calls, under the names its template tags reverse.

The library's own ``urls.py`` is not used: adding a key sits under the Security page (so
``REQUIRE_MFA``'s enrolment reaches it) and logging in with one under the code page (which
``MfaGateMiddleware`` lets through before the second step); there is no passwordless login
and no ``.well-known/webauthn`` (no related origins). The script's translations come from
Django's JavaScript catalog, served by this app like every script (CSP ``'self'``).
"""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from itbrehab.accounts import passkey_views

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "security/keys/add/begin/",
        passkey_views.KeyAddBegin.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "security/keys/add/complete/",
        passkey_views.KeyAddComplete.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "login/code/key/begin/",
        passkey_views.KeyLoginBegin.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "login/code/key/complete/",
        passkey_views.KeyLoginComplete.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "login/code/key/jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
