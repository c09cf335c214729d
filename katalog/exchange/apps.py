from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "katalog.exchange"
    label = "exchange"
