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


class PeerPosition(models.Model):
    """How far this node has applied the events of one origin: every event up to
    `applied_seq` is applied (or recorded as a problem); later ones wait for the gap."""

    origin = models.CharField(_("origin"), max_length=40, primary_key=True)
    applied_seq = models.PositiveBigIntegerField(_("last applied"), default=0)
    received_seq = models.PositiveBigIntegerField(_("last received"), default=0)
    last_event_at = models.DateTimeField(_("time of the last applied event"), null=True)
    received_at = models.DateTimeField(_("last received at"), null=True)
    transport = models.CharField(_("transport"), max_length=10, blank=True)

    class Meta:
        ordering = ["origin"]

    def __str__(self) -> str:
        return f"{self.origin}@{self.applied_seq}"


class PendingEvent(models.Model):
    """A verified event that arrived after a gap in its origin's sequence: it waits here
    until the events before it are applied."""

    origin = models.CharField(_("origin"), max_length=40)
    seq = models.PositiveBigIntegerField(_("sequence"))
    payload_json = models.TextField()
    transport = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["origin", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "seq"], name="pending_origin_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.origin}#{self.seq}"


class ProblemKind(models.TextChoices):
    SIGNATURE_INVALID = "SIGNATURE_INVALID", _("the signature does not verify")
    ORIGIN_UNKNOWN = "ORIGIN_UNKNOWN", _("the event comes from a node that is not registered")
    NOT_ASSIGNING_BUREAU = (
        "NOT_ASSIGNING_BUREAU",
        _("only the assigning bureau changes an item's identification"),
    )
    ALLOCATION_NOT_HELD = (
        "ALLOCATION_NOT_HELD",
        _("only the holder of a bureau code allocates numbers under it"),
    )
    NOT_OWNER = "NOT_OWNER", _("only the bureau that registered a manufacturer changes it")
    NOT_CENTRE = "NOT_CENTRE", _("only the interstate centre changes the reference data")
    REFERENCE_DATA_MISSING = (
        "REFERENCE_DATA_MISSING",
        _("the event names reference data this installation does not have"),
    )
    MALFORMED = "MALFORMED", _("the event is not a well-formed exchange event")


class ExchangeProblem(models.Model):
    """An event this node did not apply, kept for a person to look at with the rule it broke
    and the local state at that moment. Never silently dropped."""

    origin = models.CharField(_("origin"), max_length=40)
    seq = models.PositiveBigIntegerField(_("sequence"), null=True)
    kind = models.CharField(_("rule"), max_length=30, choices=ProblemKind.choices)
    detail = models.TextField(_("detail"), blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_key = models.CharField(_("object"), max_length=80, blank=True)
    event_json = models.TextField()
    local_json = models.TextField(blank=True)
    transport = models.CharField(_("transport"), max_length=10, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("exchange problem")
        verbose_name_plural = _("exchange problems")

    def __str__(self) -> str:
        return f"{self.origin}#{self.seq} {self.kind}"
