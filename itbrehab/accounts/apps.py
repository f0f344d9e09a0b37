from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "itbrehab.accounts"
    label = "accounts"
    verbose_name = "Clinics and therapists"

    def ready(self) -> None:
        # Connect the receivers that, at login, start a browser session's clocks and note
        # whether the session must still enter a code (MFA).
        from itbrehab.accounts import browser_sessions, mfa  # noqa: F401
