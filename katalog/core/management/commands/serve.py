"""`katalog serve`: the web UI and API through gunicorn (WSGI), on localhost by default."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command

from katalog.core.management.base import KatalogCommand


class Command(KatalogCommand):
    help = "Serve the web interface and the API."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("KATALOG_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("KATALOG_WORKERS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        bind = options["bind"]
        self.stdout.write(f"katalog is serving on http://{bind}/  (API: http://{bind}/api/v1/docs)")
        self.stdout.write("demo login: demo / katalog-demo (second approver: approver / katalog-demo)")
        sys.stdout.flush()
        argv = [
            "gunicorn", "katalog.config.wsgi:application", "--bind", bind,
            "--workers", str(options["workers"]), "--access-logfile", "-", "--timeout", "120",
        ]  # fmt: skip
        os.execvp(sys.executable, [sys.executable, "-m", *argv])
