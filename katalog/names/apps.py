from django.apps import AppConfig


class NamesConfig(AppConfig):
    name = "katalog.names"
    label = "names"
