"""`katalog reindex`: rebuild the search indexes from the catalogue in bulk."""

from __future__ import annotations

from typing import Any

from katalog.catalog.models import Item
from katalog.core.management.base import KatalogCommand
from katalog.search import tantivy_index
from katalog.search.backends import ensure_search_schema, is_postgres, rebuild_search_index


class Command(KatalogCommand):
    help = "Rebuild the search indexes (the database's and the tantivy index) from the catalogue."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="rebuild only the database's own full-text indexes",
        )
        self.add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        # PostgreSQL's generated column and GIN indexes follow every write by themselves; only
        # SQLite's external-content FTS5 tables are rebuilt from the catalogue.
        if not is_postgres():
            ensure_search_schema()
            rebuild_search_index()
            self.stdout.write("database search index rebuilt")
        if options["database_only"]:
            return
        total = Item.objects.count()
        with self.progress(options, "indexing items", total) as shown:
            count = tantivy_index.rebuild(shown.reached)
        self.stdout.write(f"search index of {count} items in {tantivy_index.index_dir()}")
