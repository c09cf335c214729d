"""Background jobs: long imports and exports run by a worker, with progress and reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


FINISHED_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})


class Job(models.Model):
    """One run of a registered job kind (e.g. `import-items`) for a user, with its files."""

    kind = models.CharField(_("kind"), max_length=40)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bureau = models.ForeignKey(
        "accounts.Bureau", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Files live under the jobs directory (see katalog.jobs.storage), by path relative to it.
    input_file = models.CharField(_("input file"), max_length=255, blank=True)
    input_name = models.CharField(_("input file name"), max_length=255, blank=True)
    error_file = models.CharField(_("error report"), max_length=255, blank=True)
    result_file = models.CharField(_("result file"), max_length=255, blank=True)
    result_name = models.CharField(_("result file name"), max_length=255, blank=True)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    counts = models.JSONField(_("summary"), default=dict, blank=True)
    error_count = models.PositiveBigIntegerField(_("rejected rows"), default=0)
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written with the progress while the job runs: a running job whose heartbeat stopped lost
    # its worker, and `katalog worker` queues it again (see `job_requeue_stale`).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the retention period removed the job's files (input, error report, result).
    files_removed_at = models.DateTimeField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "-id"], name="job_actor_idx")]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"
