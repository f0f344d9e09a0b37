from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "itbrehab.accounts"
    label = "accounts"
    verbose_name = "Clinics and therapists"

    def ready(self) -> None:
        # Connects the receiver that starts a browser session's clocks at login.
        from itbrehab.accounts import browser_sessions  # noqa: F401
