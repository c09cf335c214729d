from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "katalog.api"
    label = "api"
