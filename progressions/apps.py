from django.apps import AppConfig


class ProgressionsConfig(AppConfig):
    name = "progressions"
    verbose_name = "Stage progression"
