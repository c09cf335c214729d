from django.apps import AppConfig


class CodificationConfig(AppConfig):
    name = "katalog.codification"
    label = "codification"

    def ready(self) -> None:
        from katalog.audit.labels import register_actions
        from katalog.codification.models import RequestAction

        register_actions(RequestAction)
