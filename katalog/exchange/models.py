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
