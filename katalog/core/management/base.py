"""Base for katalog's commands: domain errors become a clear message and a stable exit code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from katalog.core.errors import KatalogError


class KatalogCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except KatalogError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=exc.exit_code) from exc
