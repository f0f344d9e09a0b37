"""The progressions app: the stored progression's triggers and signals load with it."""

from django.apps import AppConfig


class ProgressionsConfig(AppConfig):
    name = "progressions"
    verbose_name = "Stage progression"

    def ready(self) -> None:
        from progressions import generations

        generations.connect_signals()
