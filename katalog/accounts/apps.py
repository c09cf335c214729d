from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "katalog.accounts"
    label = "accounts"
