"""Import checkpoints: how far each import file got, so a stopped run resumes where it left off."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportCheckpoint(models.Model):
    """The last line of a file whose batch is committed, written in the same transaction as the
    batch. A run of the same content (same kind and policy) starts after that line."""

    kind = models.CharField(_("kind"), max_length=40)
    policy = models.CharField(_("policy"), max_length=10)
    content_hash = models.CharField(_("content hash"), max_length=64)
    last_line = models.PositiveBigIntegerField(_("last committed line"), default=0)
    counts = models.JSONField(_("counts so far"), default=dict)
    finished = models.BooleanField(_("finished"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "policy", "content_hash"], name="import_checkpoint_unique"
            )
        ]
        verbose_name = _("import checkpoint")
        verbose_name_plural = _("import checkpoints")

    def __str__(self) -> str:
        return f"{self.kind} {self.content_hash[:12]} @ {self.last_line}"
