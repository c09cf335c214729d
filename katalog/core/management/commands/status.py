"""`katalog status`: where this installation keeps its data and whether it is initialised."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from katalog import __version__
from katalog.core.management.base import KatalogCommand


def database_state() -> str:
    """What the database is: missing, made but not migrated, behind, or ready."""
    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "sqlite" and not _exists(str(name)):
        return _("not created: run `katalog init`")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not executor.loader.applied_migrations:
        return _("not initialised: run `katalog init`")
    if pending:
        return _("%(count)d migrations to apply: run `katalog init`") % {"count": len(pending)}
    return _("database ready")


def _exists(path: str) -> bool:
    from pathlib import Path

    return path == ":memory:" or Path(path).exists()


class Command(KatalogCommand):
    help = "Show where the data directory and the database are, and whether they are ready."

    def handle(self, *args: Any, **options: Any) -> None:
        database = settings.DATABASES["default"]
        self.stdout.write(f"katalog {__version__}")
        self.stdout.write(_("data directory: %(path)s") % {"path": settings.DATA_DIR})
        self.stdout.write(
            _("database: %(vendor)s %(name)s")
            % {"vendor": connection.vendor, "name": database["NAME"]}
        )
        self.stdout.write(_("state: %(state)s") % {"state": database_state()})
