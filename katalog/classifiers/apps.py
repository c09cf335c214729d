from django.apps import AppConfig


class ClassifiersConfig(AppConfig):
    name = "katalog.classifiers"
    label = "classifiers"

    def ready(self) -> None:
        from katalog.audit.labels import register_actions
        from katalog.classifiers.choices import ControlMarkAction

        register_actions(ControlMarkAction)
