from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "katalog.screening"
    label = "screening"

    def ready(self) -> None:
        from katalog.screening import jobs  # noqa: F401  (registers the "screening" job kind)
