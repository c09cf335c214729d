"""Codification requests (заявки на кодификацию): a batch of proposed items from a bureau, the
per-line screening and decision, and the recorded transitions of its workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RequestState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    SCREENED = "screened", _("screened")
    DECIDED = "decided", _("decided")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")


class RequestPriority(models.TextChoices):
    """Processing priority, in the spirit of the NCS priority indicator code (PIC)."""

    ROUTINE = "routine", _("routine")
    ACCELERATED = "accelerated", _("accelerated")
    EMERGENCY = "emergency", _("emergency")


class LineDecision(models.TextChoices):
    REGISTER = "register", _("register as user of an existing item")
    ASSIGN = "assign", _("assign a new catalogue number")
    REJECT = "reject", _("reject")


class LineRejectReason(models.TextChoices):
    """Why a proposed item is not codified (in the spirit of NCS reason codes, DRN 9975)."""

    INVALID_MANUFACTURER = "invalid_manufacturer", _("manufacturer code is invalid or cancelled")
    PART_OF_ASSEMBLY = "part_of_assembly", _("part of an assembly, not an item of supply")
    REFERENCE_NOT_IDENTIFYING = (
        "reference_not_identifying",
        _("the reference does not identify the item"),
    )
    INSUFFICIENT_DATA = "insufficient_data", _("not enough data to identify the item")
    NO_LONGER_MADE = "no_longer_made", _("no longer made")
    NOT_COUNTRY_OF_ORIGIN = "not_country_of_origin", _("not the country of origin")
    DUPLICATE_REQUEST = "duplicate_request", _("duplicate request")
    OTHER = "other", _("other reason (see note)")


class CodificationRequest(models.Model):
    """The header of a request: who asks, for which project, how urgently."""

    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True)
    project_code = models.CharField(_("project code"), max_length=20, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=60, blank=True)
    priority = models.CharField(
        _("priority"),
        max_length=12,
        choices=RequestPriority.choices,
        default=RequestPriority.ROUTINE,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    manufacturer = models.ForeignKey(
        "catalog.Manufacturer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    main_contractor = models.ForeignKey(
        "catalog.Manufacturer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["bureau", "state", "id"], name="request_bureau_state_idx"),
            models.Index(fields=["state", "id"], name="request_state_idx"),
        ]
        verbose_name = _("codification request")
        verbose_name_plural = _("codification requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.state}"


class RequestLine(models.Model):
    """One proposed item: name, class, references, characteristic replies; then the screening
    result, the decision taken on it and, once published, the item it produced or joined."""

    request = models.ForeignKey(CodificationRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"))
    item_name = models.ForeignKey("names.ItemName", on_delete=models.PROTECT, related_name="+")
    supply_class = models.CharField(_("supply class"), max_length=4)
    name_text = models.CharField(_("name as proposed"), max_length=200, blank=True)
    # [{"number": ..., "manufacturer_code": ..., "category": "3", "variation": "2"}, ...]
    references = models.JSONField(_("references"), default=list, blank=True)
    # {characteristic code: reply as typed}; checked against the guide when entered.
    characteristics = models.JSONField(_("characteristic replies"), default=dict, blank=True)
    locale = models.CharField(_("locale of the replies"), max_length=8, default="en")
    screening = models.JSONField(_("screening result"), null=True, blank=True)
    verdict = models.CharField(_("screening verdict"), max_length=16, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=LineDecision.choices, blank=True
    )
    decision_item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reject_reason = models.CharField(
        _("reason for rejection"), max_length=32, choices=LineRejectReason.choices, blank=True
    )
    justification = models.CharField(_("screening justification"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Who decided the line: four eyes keep them from approving the request.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="requestline_unique_position"
            )
        ]
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")

    def __str__(self) -> str:
        return f"#{self.request_id}/{self.position}"


class RequestTransition(models.Model):
    """One step of a request's workflow: who moved it, when, from where to where, and why."""

    request = models.ForeignKey(
        CodificationRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    name = models.CharField(_("transition"), max_length=16)
    from_state = models.CharField(_("from"), max_length=10, choices=RequestState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=RequestState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("request transition")
        verbose_name_plural = _("request transitions")

    def __str__(self) -> str:
        return f"#{self.request_id} {self.from_state}→{self.to_state}"


class RequestDocument(models.Model):
    """A drawing, specification or other file attached to a request or one of its lines."""

    request = models.ForeignKey(
        CodificationRequest, on_delete=models.CASCADE, related_name="documents"
    )
    line = models.ForeignKey(
        RequestLine, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="codification/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")

    def __str__(self) -> str:
        return self.title or self.file.name or ""


class RequestAction(models.TextChoices):
    """What happened to a request, as recorded in the audit log."""

    CREATED = "request_create", _("request opened")
    SUBMITTED = "request_submit", _("submitted")
    SCREENED = "request_screen", _("screened for duplicates")
    DECIDED = "request_decide", _("decisions closed")
    RETURNED = "request_return", _("returned for another look")
    APPROVED = "request_approve", _("approved")
    REOPENED = "request_reopen", _("returned to decision")
    PUBLISHED = "request_publish", _("published to the catalogue")
    REJECTED = "request_reject", _("rejected")
    LINE_ADDED = "request_line_added", _("line added")
    LINE_CHANGED = "request_line_changed", _("line changed")
    LINE_DECIDED = "request_line_decided", _("line decided")
    DOCUMENT_ADDED = "request_document_added", _("document attached")


class ProposalState(models.TextChoices):
    OPEN = "open", _("open")
    APPROVED = "approved", _("approved: the item is cancelled as a duplicate")
    REJECTED = "rejected", _("rejected")


class CancellationProposal(models.Model):
    """A proposal to cancel an item as a duplicate of another: made by a cataloguer of any bureau
    (the centre acting on its nomenclature-reduction report, another nation that uses both), and
    decided by an approver of the cancelled item's assigning bureau who did not make it (four
    eyes), since only that bureau cancels its numbers."""

    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    kept = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    proposing_bureau = models.ForeignKey(
        "accounts.Bureau", on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state="open"),
                name="cancellation_proposal_one_open_per_item",
            )
        ]
        indexes = [models.Index(fields=["state", "id"], name="cancel_proposal_state_idx")]
        verbose_name = _("cancellation proposal")
        verbose_name_plural = _("cancellation proposals")

    def __str__(self) -> str:
        return f"#{self.pk} {self.state}"
