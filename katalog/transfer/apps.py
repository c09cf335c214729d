from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "katalog.transfer"
    label = "transfer"
