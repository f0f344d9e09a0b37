from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from oauth2_provider import views as oauth2_views

from itbrehab import views
from itbrehab.accounts import mfa_gate, security, team
from itbrehab.accounts import views as account_views
from itbrehab.api_clients import views as api_client_views
from itbrehab.audit import views as audit_views
from itbrehab.webhooks import views as webhook_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/login/code/", mfa_gate.mfa_code, name="mfa-code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/security/", security.security, name="security"),
    path("accounts/security/enrol/", security.security_enrol, name="security-enrol"),
    path(
        "accounts/security/recovery-codes/",
        security.security_recovery_codes,
        name="security-recovery-codes",
    ),
    path("accounts/security/remove/", security.security_remove, name="security-remove"),
    path(
        "accounts/security/keys/<int:key_id>/remove/",
        security.security_key_remove,
        name="security-key-remove",
    ),
    # Security keys and passkeys: the JSON endpoints of django-otp-webauthn's script.
    path("accounts/", include("itbrehab.accounts.passkey_urls")),
    path(
        "accounts/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        account_views.InvitationConfirmView.as_view(),
        name="invitation_confirm",
    ),
    path("team/", team.team, name="team"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("team/invite/", team.team_invite, name="team-invite"),
    path("team/rtm/", team.team_rtm, name="team-rtm"),
    path("team/<int:therapist_id>/deactivate/", team.team_deactivate, name="team-deactivate"),
    path("team/<int:therapist_id>/reactivate/", team.team_reactivate, name="team-reactivate"),
    path("team/<int:therapist_id>/make-admin/", team.team_make_admin, name="team-make-admin"),
    path("team/<int:therapist_id>/remove-admin/", team.team_remove_admin, name="team-remove-admin"),
    path("team/api-clients/", api_client_views.api_clients, name="api-clients"),
    path("team/api-clients/new/", api_client_views.api_client_create, name="api-client-create"),
    path(
        "team/api-clients/<int:client_id>/revoke/",
        api_client_views.api_client_revoke,
        name="api-client-revoke",
    ),
    path("team/webhooks/", webhook_views.webhooks, name="webhooks"),
    path("team/webhooks/new/", webhook_views.webhook_create, name="webhook-create"),
    path("team/webhooks/<int:endpoint_id>/", webhook_views.webhook_detail, name="webhook-detail"),
    path(
        "team/webhooks/<int:endpoint_id>/delete/",
        webhook_views.webhook_delete,
        name="webhook-delete",
    ),
    path(
        "team/webhooks/<int:endpoint_id>/enable/",
        webhook_views.webhook_enable,
        name="webhook-enable",
    ),
    path(
        "team/webhooks/<int:endpoint_id>/send-again/",
        webhook_views.webhook_send_again,
        name="webhook-send-again",
    ),
    # OAuth 2.0 (SPEC §10): the token endpoint only; client credentials is the one grant.
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth-token"),
    path("admin/", admin.site.urls),
    path("", include("itbrehab.api")),
    path("m/", include("athletes.phone.urls")),
    path("", include("athletes.urls")),
]
