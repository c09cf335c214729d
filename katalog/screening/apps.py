from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "katalog.screening"
    label = "screening"
