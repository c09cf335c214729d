"""Normative documents: standards of the member states and international bodies,
specifications and drawings, each with its number as written, its key, its status and dates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from katalog.core.i18n import pick_text

# Reference categories (RNCC, DRN 2910) whose reference number is a specification or standard:
# 2 a definitive government specification or standard, 4 a non-definitive one.
STANDARD_CATEGORIES = ("2", "4")


class DocumentKind(models.TextChoices):
    INTERSTATE = "interstate", _("interstate standard")
    NATIONAL = "national", _("national standard")
    INTERNATIONAL = "international", _("international standard")
    SPECIFICATION = "specification", _("specification")
    DRAWING = "drawing", _("drawing")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    REPLACED = "replaced", _("replaced")
    CANCELLED = "cancelled", _("cancelled, not replaced")


class NormativeDocument(models.Model):
    """A standard, specification or drawing that references of items cite by its number."""

    number = models.CharField(_("document number"), max_length=60)
    key = models.CharField(_("normalised key"), max_length=96, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    # The state of a national standard; for a specification or drawing, its owner's state.
    country = models.ForeignKey(
        "refdata.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    titles = models.JSONField(_("titles"), default=dict)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE
    )
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    ended_on = models.DateField(_("cancelled or replaced on"), null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        indexes = [models.Index(fields=["status"], name="document_status_idx")]
        verbose_name = _("normative document")
        verbose_name_plural = _("normative documents")

    def __str__(self) -> str:
        return f"{self.number} {pick_text(self.titles)}"

    @property
    def ended(self) -> bool:
        return self.status != DocumentStatus.IN_FORCE


class DocumentAction(models.TextChoices):
    """What happened to a normative document, as recorded in the audit log."""

    CREATED = "document_created", _("normative document registered")
    CHANGED = "document_changed", _("normative document changed")
    REPLACED = "document_replaced", _("normative document replaced")
    CANCELLED = "document_cancelled", _("normative document cancelled")
