"""`katalog serve`: the web UI and API through gunicorn (WSGI), on localhost by default, plus a
job worker (imports, exports) as a child process that stops with the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from katalog.accounts.models import User
from katalog.core.gunicorn import gunicorn_argv
from katalog.core.management.base import KatalogCommand
from katalog.core.security import require_serving_settings


class Command(KatalogCommand):
    help = "Serve the web interface and the API, and run background jobs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("KATALOG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("KATALOG_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-job-worker", action="store_true", help="run jobs elsewhere (katalog worker)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            require_serving_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from None
        call_command("collectstatic", interactive=False, verbosity=0)
        bind = options["bind"]
        self.stdout.write(f"katalog is serving on http://{bind}/  (API: http://{bind}/api/v1/docs)")
        if User.objects.filter(username="demo").exists():
            self.stdout.write(
                "demo login: demo / katalog-demo (an approver of the same bureau: approver / "
                "katalog-demo)"
            )
        sys.stdout.flush()
        server = gunicorn_argv(bind, options["workers"])
        if options["no_job_worker"]:
            os.execvp(sys.executable, server)  # noqa: S606 (our own gunicorn command line)
        worker = subprocess.Popen([sys.executable, "-m", "katalog.cli", "worker"])
        gunicorn = subprocess.Popen(server)  # noqa: S603 (our own gunicorn command line)
        self._stop_both_on_signal(gunicorn, worker)
        code = gunicorn.wait()
        worker.terminate()
        worker.wait()
        sys.exit(code)

    @staticmethod
    def _stop_both_on_signal(gunicorn: subprocess.Popen, worker: subprocess.Popen) -> None:
        def stop(signum: int, _frame: Any) -> None:
            for child in (gunicorn, worker):
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
