from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    """What a rule checks. The built-in rules are evaluated by the product's own code; the
    other kinds are parametrised checks a bureau (or the centre, for everyone) defines."""

    BUILTIN = "builtin", _("built-in rule")
    CHARACTERISTIC = "characteristic", _("characteristic required")
    NAME_LANGUAGE = "name_language", _("item name in a language")
    MIN_REFERENCES = "min_references", _("at least a number of references")
    REFERENCE_CATEGORY = "reference_category", _("reference of a category required")


class QualityRule(models.Model):
    """A named quality rule with its weight; global (no bureau) or a bureau's own. A bureau's
    row with the code of a global rule re-weights or switches off that rule for its items; a
    bureau's row with its own code (prefixed by its key) is a rule of its own, of a kind other
    than built-in, with its parameters, messages and fix hints per language."""

    code = models.CharField(_("rule"), max_length=40)
    kind = models.CharField(
        _("kind"), max_length=20, choices=RuleKind.choices, default=RuleKind.BUILTIN
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    messages = models.JSONField(_("messages"), default=dict, blank=True)
    fixes = models.JSONField(_("how to fix"), default=dict, blank=True)
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


class QualityRuleVersion(models.Model):
    """A rule as it stood from one change to the next: every version is kept, the newest equal
    to the rule itself, so the rule's page shows what changed, when and by whom."""

    rule = models.ForeignKey(QualityRule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    weight = models.PositiveSmallIntegerField(_("weight"))
    active = models.BooleanField(_("active"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    messages = models.JSONField(_("messages"), default=dict, blank=True)
    fixes = models.JSONField(_("how to fix"), default=dict, blank=True)
    changed_by = models.CharField(_("changed by"), max_length=150, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="quality_rule_version_unique")
        ]
        verbose_name = _("quality rule version")
        verbose_name_plural = _("quality rule versions")

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class ItemQuality(models.Model):
    """The stored score of an item and the rules it failed, as last computed."""

    item = models.OneToOneField(
        "catalog.Item", on_delete=models.CASCADE, primary_key=True, related_name="quality"
    )
    score = models.PositiveSmallIntegerField(_("quality score"), db_index=True)
    failed = models.JSONField(_("failed rules"), default=list)
    checked = models.JSONField(_("checked rules"), default=list)
    # The version of each rule checked, so that an explanation names the rules it applied.
    versions = models.JSONField(_("rule versions"), default=dict, blank=True)
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


class ReductionSection(models.TextChoices):
    """The sections of the nomenclature-reduction report that are groups of items."""

    DUPLICATES = "duplicates", _("probable duplicates across bureaus")
    SAME_CHARACTERISTICS = (
        "same_characteristics",
        _("same item name and key characteristics, different numbers"),
    )


class ReductionReport(models.Model):
    """The stored outcome of one run of the nomenclature-reduction report (a job of kind
    `quality-reduction`): its figures, computed over what the person who ran it may read."""

    job = models.OneToOneField(
        "jobs.Job", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-job"]
        verbose_name = _("nomenclature-reduction report")
        verbose_name_plural = _("nomenclature-reduction reports")

    def __str__(self) -> str:
        return f"reduction #{self.job_id}"


class ReductionCluster(models.Model):
    """One group of items of a report where one would do: the members as they were when the
    report ran (number, bureau, registrations, score), the item proposed to keep and why, and
    for probable duplicates the screening evidence of each pair (codes and parameters)."""

    report = models.ForeignKey(ReductionReport, on_delete=models.CASCADE, related_name="clusters")
    section = models.CharField(_("section"), max_length=24, choices=ReductionSection.choices)
    position = models.PositiveIntegerField(_("position"))
    item_name = models.CharField(_("item name code"), max_length=5, blank=True)
    supply_group = models.CharField(_("supply group"), max_length=2, blank=True)
    size = models.PositiveIntegerField(_("items"))
    kept = models.CharField(_("item proposed to keep"), max_length=9)
    reasons = models.JSONField(_("why it is kept"), default=list)
    members = models.JSONField(_("items"), default=list)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)

    class Meta:
        ordering = ["report", "section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "section", "position"], name="reductioncluster_position_unique"
            )
        ]
        verbose_name = _("group of items where one would do")
        verbose_name_plural = _("groups of items where one would do")

    def __str__(self) -> str:
        return f"{self.report_id}/{self.section}/{self.position}"
