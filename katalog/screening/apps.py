from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "katalog.screening"
    label = "screening"

    def ready(self) -> None:
        from katalog.catalog.signals import references_written
        from katalog.screening import jobs  # noqa: F401  (registers the "screening" job kind)
        from katalog.screening.services import references_written_keys

        references_written.connect(references_written_keys, dispatch_uid="screening-keys")
