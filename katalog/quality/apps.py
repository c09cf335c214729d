from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "katalog.quality"
    label = "quality"

    def ready(self) -> None:
        from katalog.audit.listeners import listen
        from katalog.core.periodic import periodic_register
        from katalog.quality import jobs  # noqa: F401  (registers the "quality-reduction" job kind)
        from katalog.quality.services import SNAPSHOT_SECONDS, rescore_touched, snapshot_take

        # Scores are current as soon as the change that affects them is committed.
        listen(rescore_touched)
        # The worker keeps today's snapshot of the scores, so the trend has a point per day.
        periodic_register("quality-snapshot", lambda: SNAPSHOT_SECONDS, snapshot_take)
