from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _ensure_search_schema(sender, using="default", **kwargs):
    """A later migration may rebuild a catalogue table on SQLite and drop the index triggers."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if not MigrationRecorder(connection).migration_qs.filter(app="search").exists():
        return  # migrated backwards or not yet: nothing of ours to keep up
    from katalog.search.backends import ensure_search_schema

    ensure_search_schema(connection)


class SearchConfig(AppConfig):
    name = "katalog.search"
    label = "search"

    def ready(self) -> None:
        # Django signals post_migrate only for apps with models, which this app has none of:
        # listen to the catalogue's, whose tables carry the index.
        catalogue = apps.get_app_config("catalog")
        post_migrate.connect(
            _ensure_search_schema, sender=catalogue, dispatch_uid="search_ensure_schema"
        )
        # The tantivy index follows the change log: as a change commits (audit listener) and
        # every second in the worker, for the changes other processes and machines made.
        from katalog.audit.listeners import listen
        from katalog.core.periodic import periodic_register
        from katalog.search.tantivy_index import follow_changes, follow_log

        listen(follow_changes)
        periodic_register("search-index", lambda: 1.0, follow_log)
