from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QualityRule(models.Model):
    """A named quality rule with its weight; global (no bureau) or a bureau's own setting."""

    code = models.CharField(_("rule"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("weight"), default=10)
    active = models.BooleanField(_("active"), default=True)
    bureau = models.ForeignKey(
        "accounts.Bureau", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "bureau"], name="quality_rule_code_bureau"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(bureau__isnull=True),
                name="quality_rule_code_global",
            ),
        ]
        verbose_name = _("quality rule")
        verbose_name_plural = _("quality rules")

    def __str__(self) -> str:
        return f"{self.code} ({self.weight})"


class ItemQuality(models.Model):
    """The stored score of an item and the rules it failed, as last computed."""

    item = models.OneToOneField(
        "catalog.Item", on_delete=models.CASCADE, primary_key=True, related_name="quality"
    )
    score = models.PositiveSmallIntegerField(_("quality score"), db_index=True)
    failed = models.JSONField(_("failed rules"), default=list)
    checked = models.JSONField(_("checked rules"), default=list)
    rules_version = models.PositiveIntegerField(default=1)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The work list reads the lowest scores in (score, item) order: with the item in the
        # index, its first page is read off the index, not sorted out of every tie.
        indexes = [models.Index(fields=["score", "item"], name="itemquality_score_item_idx")]
        verbose_name = _("item quality")
        verbose_name_plural = _("item quality")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class QualitySnapshot(models.Model):
    """The scores of one assigning bureau's public or restricted items as they stood on one
    day: the stored scores are kept current, so their past lives only here, and the monthly
    trend is drawn from it. Kept apart by release, so that a reader of another bureau is shown
    the figures of the public items only."""

    day = models.DateField(_("day"))
    bureau = models.ForeignKey("accounts.Bureau", on_delete=models.CASCADE, related_name="+")
    public = models.BooleanField(_("public items"))
    scored = models.PositiveIntegerField(_("scored items"))
    score_sum = models.BigIntegerField()
    low = models.PositiveIntegerField(_("items scored below the threshold"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "bureau", "public"], name="quality_snapshot_day_bureau"
            )
        ]
        ordering = ["day", "bureau"]
        verbose_name = _("quality snapshot")
        verbose_name_plural = _("quality snapshots")

    def __str__(self) -> str:
        return f"{self.day} {self.bureau_id}: {self.scored}"
