from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "itbrehab.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"
