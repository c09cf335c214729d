"""Job kinds and the context a runner works in.

A runner is registered with `@job_kind("import-items")` and called as `runner(ctx)`; what it
returns (a JSON-serialisable dict) is stored on the job as its summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.core.errors import PermissionDenied, ValidationFailed
from katalog.core.tables import CsvWriter
from katalog.jobs.errors import JobErrorCode as E
from katalog.jobs.models import Job
from katalog.jobs.storage import job_dir, job_file

if TYPE_CHECKING:
    from katalog.accounts.models import User

Runner = Callable[["JobContext"], dict]
RUNNERS: dict[str, Runner] = {}
PROGRESS_EVERY_SECONDS = 1.0


def job_kind(
    name: str, *, needs_file: bool = False, writes: bool = False
) -> Callable[[Runner], Runner]:
    """Register a runner under `name`; `needs_file`: a submission must upload the input file;
    `writes`: the job changes catalogue data (its submitter needs the CATALOGUE permission, and
    its changes are recorded as coming through an import)."""

    def register(runner: Runner) -> Runner:
        runner.needs_file = needs_file  # type: ignore[attr-defined]
        runner.writes = writes  # type: ignore[attr-defined]
        RUNNERS[name] = runner
        return runner

    return register


def runner_for(kind: str) -> Runner:
    if kind not in RUNNERS:
        raise ValidationFailed(
            _("Unknown job kind %(kind)r") % {"kind": kind}, code=E.UNKNOWN_JOB_KIND
        )
    return RUNNERS[kind]


class JobContext:
    """What a runner gets: the job, its actor and parameters, its files, progress and rejects."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params or {})
        self.input_path: Path | None = job_file(job.input_file) if job.input_file else None
        self.output_path: Path = job_dir(job.pk) / "result"
        self.error_path: Path = job_dir(job.pk) / "errors.csv"
        self._errors: IO[str] | None = None
        self._writer: CsvWriter | None = None
        self._saved_at = 0.0

    @property
    def actor(self) -> User:
        """The person the job acts for (`job_execute` runs no job without one)."""
        if self.job.actor is None:
            raise PermissionDenied(_("The job has no person it acts for"), code=E.PERSON_REQUIRED)
        return self.job.actor

    def uploaded(self) -> Path:
        """The input file of a kind registered with `needs_file` (its submission required one)."""
        if self.input_path is None:
            raise RuntimeError(f"job {self.job.pk} of kind {self.job.kind} has no input file")
        return self.input_path

    def progress(self, done: int, total: int | None = None) -> None:
        """Cheap per row: the job row is written at most about once a second. It is also the
        job's heartbeat: a runner reports progress at least every few minutes, or a worker
        starting meanwhile takes the job for lost and queues it again."""
        self.job.done = done
        if total is not None:
            self.job.total = total
        now = time.monotonic()
        if now - self._saved_at >= PROGRESS_EVERY_SECONDS:
            self._saved_at = now
            self.save_progress()

    def save_progress(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(
            done=self.job.done, total=self.job.total, error_count=self.job.error_count,
            heartbeat_at=timezone.now(),
        )  # fmt: skip

    def reject(self, line: int, column: str, code: str, message: str) -> None:
        if self._writer is None:
            self._errors = self.error_path.open("w", encoding="utf-8", newline="")
            self._writer = CsvWriter(self._errors)
            self._writer.writerow(["line", "column", "code", "message"])
        self._writer.writerow([line, column, code, message])
        self.job.error_count += 1

    def close(self) -> None:
        if self._errors is not None:
            self._errors.close()
            self._errors = None
