"""Screening records: the folded key of each reference and people's decisions on candidates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    NO_DUPLICATE = "no_duplicate", _("no duplicate")
    REVIEW = "review", _("review")
    DUPLICATE = "duplicate", _("duplicate")


# The verdict of a line that gives nothing to compare (no reference, no key characteristic):
# never "no duplicate", which would reassure falsely. No decision is ever taken on it.
NOT_SCREENED = "not_screened"


class Decision(models.TextChoices):
    DUPLICATE = "duplicate", _("duplicate")
    NOT_DUPLICATE = "not_duplicate", _("not a duplicate")


class ScreeningJustification(models.TextChoices):
    """Why a person decided as they did (in the spirit of the reference justification code RNJC)."""

    SAME_ITEM = "same_item", _("confirmed to be the same item")
    NOT_ACCEPTABLE_REPLACEMENT = (
        "not_acceptable_replacement",
        _("the candidate is not a technically acceptable replacement"),
    )
    SUFFIX_CHANGES_ITEM = (
        "suffix_changes_item",
        _("the number differs in a part that identifies another item"),
    )
    OTHER_MANUFACTURER_ITEM = (
        "other_manufacturer_item",
        _("another manufacturer uses the same number for a different item"),
    )
    CHARACTERISTICS_DIFFER = "characteristics_differ", _("key characteristics differ")
    CANDIDATE_DATA_WRONG = "candidate_data_wrong", _("the candidate's catalogue data is wrong")
    OTHER = "other", _("other reason (see note)")


class ReferenceScreeningKey(models.Model):
    """The folded key (O/0, I/1, leading zeros; see `keys.folded_key`) of one reference.

    Kept apart from `Reference` so that the catalogue model stays as it is; one narrow row per
    reference with one index is what an indexed lookup over 40M references needs.
    """

    reference = models.OneToOneField(
        "catalog.Reference",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="screening_key",
    )
    folded_key = models.CharField(_("folded key"), max_length=64, db_index=True)
    # `keys.translit_key`: Cyrillic numbers typed in Latin by any of the usual systems meet here.
    translit_key = models.CharField(
        _("transliteration key"), max_length=64, db_index=True, blank=True, default=""
    )

    class Meta:
        verbose_name = _("reference screening key")
        verbose_name_plural = _("reference screening keys")

    def __str__(self) -> str:
        return self.folded_key


class ScreeningDecision(models.Model):
    """A person's decision on a screening candidate, with the justification code."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.CASCADE, related_name="screening_decisions"
    )
    subject = models.CharField(_("what was screened"), max_length=200, blank=True)
    verdict = models.CharField(_("verdict of screening"), max_length=16, choices=Verdict.choices)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    justification = models.CharField(
        _("justification"), max_length=32, choices=ScreeningJustification.choices
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bureau = models.ForeignKey(
        "accounts.Bureau", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["item", "decided_at"], name="screeningdecision_item_idx")]
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.decision} ({self.justification})"


class CandidateState(models.TextChoices):
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed as a duplicate")
    DISMISSED = "dismissed", _("dismissed")


# Only what a person must look at is kept in the centre's queue.
CANDIDATE_VERDICTS = [
    (Verdict.DUPLICATE.value, Verdict.DUPLICATE.label),
    (Verdict.REVIEW.value, Verdict.REVIEW.label),
]


class DuplicateCandidate(models.Model):
    """Two items of different assigning bureaus that the centre's screening found may be one
    item codified twice: the score, the verdict and the evidence as codes and parameters (so
    that it reads in each reader's language), then a person's decision.

    A pair is kept once whichever of the two was screened (the unique pair in either order);
    `item` is the one whose screening found the pair last.
    """

    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    verdict = models.CharField(_("verdict of screening"), max_length=16, choices=CANDIDATE_VERDICTS)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CandidateState.choices, default=CandidateState.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("screened at"), auto_now=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                Least("item", "candidate"),
                Greatest("item", "candidate"),
                name="duplicatecandidate_pair_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(item=models.F("candidate")),
                name="duplicatecandidate_two_items",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "score"], name="duplicatecandidate_state_idx"),
            models.Index(fields=["candidate"], name="duplicatecandidate_cand_idx"),
        ]
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")

    def __str__(self) -> str:
        return f"{self.item_id} ~ {self.candidate_id}: {self.verdict} ({self.state})"
