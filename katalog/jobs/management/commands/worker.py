"""`katalog worker`: run queued jobs (imports, exports) from the database queue."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _

from katalog.core.management.base import KatalogCommand
from katalog.core.periodic import Periodic, periodic_tasks
from katalog.jobs.services import job_files_expire, job_requeue_stale

# A running job writes its progress at least every few seconds (each import batch): ten
# minutes without it means its worker is gone.
STALE_AFTER_SECONDS = 600.0
HOUSEKEEPING_SECONDS = 3600.0
log = logging.getLogger(__name__)


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
        parser.add_argument(
            "--requeue-after", type=float, default=STALE_AFTER_SECONDS, metavar="SECONDS",
            help="first queue again the running jobs whose progress stopped this long ago (their worker was lost)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        self.expire_files()
        if not options["batch"]:
            start_housekeeping(self.expire_files)
            for task in periodic_tasks():
                start_periodic(task)
        outcome = job_requeue_stale(stale_after=dt.timedelta(seconds=options["requeue_after"]))
        for job_id in outcome["requeued"]:
            self.stdout.write(_("job %(id)d lost its worker: queued again") % {"id": job_id})
        for job_id in outcome["failed"]:
            self.stdout.write(_("job %(id)d lost its worker too often: failed") % {"id": job_id})
        argv = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            argv.append("--batch")
        if options["max_tasks"]:
            argv += ["--max-tasks", str(options["max_tasks"])]
        call_command("db_worker", *argv, skip_checks=True)

    def expire_files(self) -> None:
        for job_id in job_files_expire():
            self.stdout.write(
                _("job %(id)d: files removed after the retention period") % {"id": job_id}
            )


def start_housekeeping(task: Callable[[], None]) -> None:
    """Run `task` every hour beside the job loop, in a thread with its own connection."""

    def loop() -> None:
        while True:
            time.sleep(HOUSEKEEPING_SECONDS)
            try:
                task()
            finally:
                connection.close()

    threading.Thread(target=loop, name="job-housekeeping", daemon=True).start()


def start_periodic(task: Periodic) -> None:
    """Run a registered task every `task.seconds()` (0: not now; asked again a minute later),
    in a thread with its own connection; a failure is logged and the next round goes on."""

    def loop() -> None:
        while True:
            seconds = task.seconds()
            time.sleep(seconds if seconds > 0 else 60.0)
            if seconds <= 0:
                continue
            try:
                task.run()
            except Exception:  # the worker's queue must go on whatever a round met
                log.exception("periodic task %s failed", task.name)
            finally:
                connection.close()

    threading.Thread(target=loop, name=f"periodic-{task.name}", daemon=True).start()
