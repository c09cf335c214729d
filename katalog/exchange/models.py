"""Installations (nodes) of katalog that exchange signed changes: this one and its peers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Node(models.Model):
    """An installation: its name, the bureau it catalogues for, its Ed25519 public key and,
    for a peer, the address its feed is read from. Exactly one node is this installation."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    public_key = models.CharField(_("public key"), max_length=64, unique=True)
    url = models.URLField(_("address"), blank=True)
    is_local = models.BooleanField(_("this installation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_local"], condition=Q(is_local=True), name="node_one_local"
            )
        ]
        verbose_name = _("node")
        verbose_name_plural = _("nodes")

    def __str__(self) -> str:
        return self.name


class OutboxEvent(models.Model):
    """One committed change of shared data, signed by the node where it was made. `seq`
    counts each origin's events without gaps; a peer applies them in that order."""

    origin = models.CharField(_("origin"), max_length=40)
    seq = models.PositiveBigIntegerField(_("sequence"))
    at = models.DateTimeField(_("time"))
    author = models.CharField(_("author"), max_length=150)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_key = models.CharField(max_length=80)
    state_json = models.TextField()
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["origin", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "seq"], name="outbox_origin_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.origin}#{self.seq}"
