from django.apps import AppConfig


class CodificationConfig(AppConfig):
    name = "katalog.codification"
    label = "codification"
