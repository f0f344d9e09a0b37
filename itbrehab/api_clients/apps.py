from django.apps import AppConfig


class ApiClientsConfig(AppConfig):
    name = "itbrehab.api_clients"
    label = "api_clients"
    verbose_name = "API clients (OAuth 2.0)"
