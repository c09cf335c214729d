from django.apps import AppConfig


class RefdataConfig(AppConfig):
    name = "katalog.refdata"
    label = "refdata"
