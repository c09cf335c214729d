"""Submitting and running jobs. The worker runs `job_execute` through the `run_job` task."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.rights import Permission
from katalog.core.actors import Actor, Interface, acting_through, person_of
from katalog.core.errors import Conflict, KatalogError, PermissionDenied, ValidationFailed
from katalog.jobs.errors import JobErrorCode as E
from katalog.jobs.models import FINISHED_STATES, Job, JobState
from katalog.jobs.registry import JobContext, runner_for
from katalog.jobs.storage import job_dir, jobs_dir

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
INPUT_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".jsonl", ".ndjson"}


def _store_upload(job: Job, upload: File, filename: str) -> str:
    """Copy the upload under the job's directory, keeping a known extension (it picks the reader)."""
    suffix = Path(filename or getattr(upload, "name", "") or "").suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        suffix = ".csv"
    target = job_dir(job.pk) / f"input{suffix}"
    with target.open("wb") as out:
        for chunk in (
            upload.chunks()
            if hasattr(upload, "chunks")
            else iter(lambda: upload.read(1 << 20), b"")
        ):
            out.write(chunk)
    return str(target.relative_to(jobs_dir()))


@transaction.atomic
def job_submit(
    *,
    actor: Actor,
    kind: str,
    params: dict | None = None,
    upload: File | None = None,
    filename: str = "",
) -> Job:
    """Queue a job of a registered kind; the queue row commits with the job (one transaction)."""
    from katalog.jobs.tasks import run_job

    runner = runner_for(kind)
    permission = Permission.CATALOGUE if getattr(runner, "writes", False) else Permission.READ
    if not (getattr(runner, "writes", False) and rights.has_permission(actor, Permission.MIGRATE)):
        rights.require_permission(actor, permission)
    if (person := person_of(actor)) is None:
        raise PermissionDenied(_("Jobs are started by a signed-in person"), code=E.PERSON_REQUIRED)
    if getattr(runner, "needs_file", False) and upload is None:
        raise ValidationFailed(_("This kind of job needs a file"), code=E.FILE_REQUIRED)
    if params is not None and not isinstance(params, dict):
        raise ValidationFailed(_("Parameters must be a JSON object"), code=E.INVALID_PARAMS)
    job = Job.objects.create(
        kind=kind, actor=person,
        bureau_id=getattr(actor, "bureau_id", None), params=params or {},
        input_name=(filename or getattr(upload, "name", "") or "")[:255],
    )  # fmt: skip
    if upload is not None:
        job.input_file = _store_upload(job, upload, filename)
    job.task_id = str(run_job.enqueue(job.pk).id)
    job.save(update_fields=["input_file", "task_id"])
    return job


@transaction.atomic
def job_cancel(*, actor: Actor, job: Job) -> Job:
    """Cancel a job that has not started yet (only its own person may)."""
    if job.actor_id is None or job.actor_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only who started a job may cancel it"), code=E.NOT_OWN_JOB)
    changed = Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.CANCELLED, finished_at=timezone.now(), row_version=F("row_version") + 1
    )
    if not changed:
        raise Conflict(_("Only a queued job can be cancelled"), code=E.JOB_NOT_QUEUED)
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> bool:
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            row_version=F("row_version") + 1,
        )
    )


@transaction.atomic
def job_requeue_stale(
    *, stale_after: dt.timedelta, max_attempts: int = MAX_ATTEMPTS
) -> dict[str, list[int]]:
    """Running jobs whose heartbeat stopped more than `stale_after` ago lost their worker (it
    was killed or the machine stopped): queue them again, so an import resumes from its last
    committed batch; a job that was already started `max_attempts` times fails instead, so a
    job that brings its worker down cannot do so for ever."""
    from katalog.jobs.tasks import run_job

    cutoff = timezone.now() - stale_after
    stale = Job.objects.select_for_update().filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff)
    outcome: dict[str, list[int]] = {"requeued": [], "failed": []}
    for job in stale.order_by("id"):
        job.row_version += 1
        if job.attempts >= max_attempts:
            job.state, job.finished_at = JobState.FAILED, timezone.now()
            job.message = "WORKER_LOST: " + _("The job stopped its worker %(n)d times") % {
                "n": job.attempts
            }
            outcome["failed"].append(job.pk)
        else:
            job.state = JobState.QUEUED
            job.message = _("Its worker stopped; queued again")
            job.task_id = str(run_job.enqueue(job.pk).id)
            outcome["requeued"].append(job.pk)
        job.save(update_fields=["state", "finished_at", "message", "task_id", "row_version"])
    return outcome


def job_execute(job_id: int) -> Job:
    """Run one queued job to its end; failures are recorded on the job, not raised."""
    if not _claim(job_id):
        return Job.objects.get(pk=job_id)
    job = Job.objects.select_related("actor__bureau").get(pk=job_id)
    ctx = JobContext(job)
    runner = runner_for(job.kind)
    interface = Interface.IMPORT if getattr(runner, "writes", False) else Interface.JOB
    try:
        if job.actor is None:
            raise PermissionDenied(_("The job has no person it acts for"), code=E.PERSON_REQUIRED)
        with acting_through(interface):
            summary = runner(ctx) or {}
        state, message = JobState.SUCCEEDED, ""
    except KatalogError as exc:
        summary, state, message = {}, JobState.FAILED, f"{exc.code}: {exc.message}"
    except Exception as exc:  # a bug in a runner must still end the job, with its reason
        logger.exception("job %s failed", job_id)
        summary, state, message = {}, JobState.FAILED, f"{type(exc).__name__}: {exc}"
    finally:
        ctx.close()
    return _finish(ctx, state, summary, message)


def _finish(ctx: JobContext, state: JobState, summary: dict, message: str) -> Job:
    job = ctx.job
    root = jobs_dir()
    job.state, job.message, job.finished_at = state, message, timezone.now()
    job.result_name = str(summary.pop("result_name", ""))[:255]
    job.counts = summary
    if ctx.error_path.exists() and job.error_count:
        job.error_file = str(ctx.error_path.relative_to(root))
    if ctx.output_path.exists():
        job.result_file = str(ctx.output_path.relative_to(root))
    job.row_version += 1
    job.save()
    return job


def is_finished(job: Job) -> bool:
    return job.state in FINISHED_STATES


def job_files_expire(*, retention: dt.timedelta | None = None) -> list[int]:
    """Remove the files of jobs finished longer ago than the retention period (the setting
    KATALOG_JOB_RETENTION_DAYS, 30 days): an upload is a copy of someone's data, and keeping
    every one for ever fills the disk. The jobs stay listed, with their counts."""
    retention = retention or dt.timedelta(days=settings.JOB_FILE_RETENTION_DAYS)
    cutoff = timezone.now() - retention
    expired = Job.objects.filter(
        state__in=FINISHED_STATES, finished_at__lt=cutoff, files_removed_at__isnull=True
    ).values_list("pk", flat=True)
    removed = []
    for job_id in list(expired.order_by("pk")[:1000]):
        shutil.rmtree(jobs_dir() / str(job_id), ignore_errors=True)
        Job.objects.filter(pk=job_id).update(files_removed_at=timezone.now())
        removed.append(job_id)
    return removed
