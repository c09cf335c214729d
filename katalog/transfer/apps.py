from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "katalog.transfer"
    label = "transfer"

    def ready(self) -> None:
        from katalog.transfer import jobs  # noqa: F401  (registers the import and export job kinds)
