from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "itbrehab.accounts"
    label = "accounts"
    verbose_name = "Clinics and therapists"
