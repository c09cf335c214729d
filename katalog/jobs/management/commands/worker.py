"""`katalog worker`: run queued jobs (imports, exports) from the database queue."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from katalog.core.management.base import KatalogCommand


class Command(KatalogCommand):
    help = (
        "Run background jobs from the database queue until stopped (or, with --batch, until empty)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls of an empty queue"
        )
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            argv.append("--batch")
        if options["max_tasks"]:
            argv += ["--max-tasks", str(options["max_tasks"])]
        call_command("db_worker", *argv, skip_checks=True)
