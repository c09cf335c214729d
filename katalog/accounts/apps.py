from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "katalog.accounts"
    label = "accounts"

    def ready(self) -> None:
        from katalog.accounts.models import AccountAction
        from katalog.audit.labels import register_actions

        register_actions(AccountAction)
