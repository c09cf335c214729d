"""The audit log: an append-only, hash-chained record of every change.

Each entry says who acted, when, through which interface, what was done to which object, a
compact before/after of the change and the reason where the workflow asks for one. A change that
touches many objects at once (an import batch, a duplicate cancellation moving references) names
every object it touched as a subject of the entry, so each object's history finds it.

Entries are chained: each one stores the hash of its predecessor and its own hash over its
content and its subjects (`katalog.audit.chain`). `katalog audit verify` recomputes the chain
and names the first entry that no longer matches. On PostgreSQL a trigger refuses UPDATE and
DELETE on both tables.

The log is also the change stream of the installation: consumers (the search index, quality
scores, the exchange between installations) follow it by `seq`, each from its own position.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from katalog.core.actors import Interface


class AuditEntry(models.Model):
    """One change, as recorded in the same transaction that made it."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("actor"), max_length=150)
    bureau_key = models.CharField(_("bureau"), max_length=8, blank=True)
    interface = models.CharField(
        _("interface"), max_length=10, choices=[(i.value, i.value) for i in Interface]
    )
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=30)
    object_key = models.CharField(_("object"), max_length=80)
    subject_count = models.PositiveIntegerField(_("objects touched"), default=1)
    # Canonical JSON (sorted keys, no spaces), stored as text so that the bytes hashed are the
    # bytes kept: a JSON column would reorder keys or reformat numbers on the way back.
    changes_json = models.TextField(_("changes"), default="{}")
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_key"], name="audit_object_idx")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.object_type} {self.object_key}"

    @property
    def changes(self) -> dict[str, Any]:
        return json.loads(self.changes_json or "{}")


class AuditSubject(models.Model):
    """An object touched by an entry, with its own part of the change where there is one."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="subjects")
    position = models.PositiveIntegerField()
    object_type = models.CharField(_("object type"), max_length=30)
    object_key = models.CharField(_("object"), max_length=80)
    change_json = models.TextField(_("change"), blank=True)

    class Meta:
        ordering = ["entry", "position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="auditsubject_position")
        ]
        indexes = [
            models.Index(fields=["object_type", "object_key", "entry"], name="auditsubject_obj_idx")
        ]
        verbose_name = _("audited object")
        verbose_name_plural = _("audited objects")

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.object_type} {self.object_key}"

    @property
    def change(self) -> dict[str, Any]:
        return json.loads(self.change_json) if self.change_json else {}


class AuditChainHead(models.Model):
    """The last sequence number and hash of the chain: one row, updated under its row lock by
    each writing transaction, so entries are numbered and chained in commit order."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_seq} {self.last_hash[:12]}"


class ConsumerPosition(models.Model):
    """How far a follower of the change stream (search index, quality scores, exchange) has
    applied it. Several machines serving one database each keep their own name."""

    name = models.CharField(max_length=80, primary_key=True)
    seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("change-stream position")
        verbose_name_plural = _("change-stream positions")

    def __str__(self) -> str:
        return f"{self.name}: {self.seq}"
