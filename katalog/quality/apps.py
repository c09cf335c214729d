from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "katalog.quality"
    label = "quality"

    def ready(self) -> None:
        from katalog.audit.listeners import listen
        from katalog.quality import jobs  # noqa: F401  (registers the "quality-reduction" job kind)
        from katalog.quality.services import rescore_touched

        # Scores are current as soon as the change that affects them is committed.
        listen(rescore_touched)
