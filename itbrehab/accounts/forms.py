"""Password forms: Django's own, with the errors beside the field they are about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables


def password_help_text() -> str:
    """Return the password rules in one plain sentence each (from AUTH_PASSWORD_VALIDATORS)."""
    return " ".join(password_validators_help_texts())


class _NewPasswordBesideTheField:
    """Put "too short" and "too common" beside "New password", not its confirmation.

    Django reports the validators' verdict on the confirmation field; a person fixes the
    first field, so that is where the message belongs.
    """

    fields: dict[str, forms.Field]
    user: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.fields["new_password1"].help_text = password_help_text()
        self.fields["new_password2"].help_text = ""

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")  # type: ignore[attr-defined]
        self.validate_password_for_user(self.user, "new_password1")  # type: ignore[attr-defined]
        return forms.Form.clean(self)  # type: ignore[arg-type]


class SetPasswordForm(_NewPasswordBesideTheField, auth_forms.SetPasswordForm):
    """Set a new password from a reset link."""


class PasswordChangeForm(_NewPasswordBesideTheField, auth_forms.PasswordChangeForm):
    """Change one's password, proving the old one as a login would.

    The old password is checked through ``authenticate()``: django-axes counts a wrong one
    as a failed login of this account from this address and, once the pair is locked
    out, refuses the change (a 429 page) as it refuses the login form. A stolen session
    therefore cannot guess its way to a new password.
    """

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.email, password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class InviteForm(forms.Form):
    """Who to invite to the clinic: the service checks the email against every clinic."""

    email = forms.EmailField(max_length=254)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)


class MfaCodeForm(forms.Form):
    """One code: from the authenticator app, or (where ``recovery`` allows) a recovery code.

    Only its shape is checked here; ``itbrehab.accounts.mfa`` decides whether it is right.
    Without an app (``app=False``: a therapist whose second step is a security key) the only
    code there is is a recovery code, and the field says so.
    """

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, recovery: bool = True, app: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if not app:
            field.label = "Recovery code"
            field.help_text = "One of your unused recovery codes (it then stops working)."
        elif recovery:
            field.help_text = (
                "The six-digit code your authenticator app shows now, or one of your recovery "
                "codes."
            )
        else:
            field.help_text = "The six-digit code your authenticator app shows now."
            field.widget.attrs["inputmode"] = "numeric"


class ClinicRtmForm(forms.Form):
    """The clinic's remote therapeutic monitoring setting (SPEC §11): one checkbox."""

    rtm_enabled = forms.BooleanField(
        required=False,
        label="Remote therapeutic monitoring (US)",
        help_text="Count data days and management time on the athlete page and offer the "
        "monthly RTM report. Turn it off for a clinic outside the US.",
    )
