"""Classification server after Statistics Norway's Klass.

Family → classification → versions (validity dates, never overlapping within a classification)
→ levels → items (code, parent, titles and notes per language). Correspondence tables link two
versions, many-to-many, each official or derived. Manufacturers carry activity codes.

Export-control lists (the EU dual-use list, national control lists) are classifications of
kind `control_list`, loaded, versioned and compared like the others; items of supply carry
the entries that cover them (ControlListMark).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from katalog.classifiers.choices import (
    AmendmentChangeKind,
    ClassificationKind,
    History,
    LinkBasis,
    TableKind,
    TableMethod,
    VersionStatus,
)
from katalog.core.i18n import pick_text


class ClassificationFamily(models.Model):
    """A family of classifications about one subject (here: economic activities)."""

    slug = models.SlugField(_("identifier"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("classification family")
        verbose_name_plural = _("classification families")

    def __str__(self) -> str:
        return pick_text(self.names) or self.slug


class Classification(models.Model):
    """A classification (ISIC, NACE, OKVED2, ...) whose content lives in its versions."""

    family = models.ForeignKey(
        ClassificationFamily, on_delete=models.PROTECT, related_name="classifications"
    )
    slug = models.SlugField(_("identifier"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict)
    owner = models.CharField(_("owner"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=ClassificationKind.choices,
        default=ClassificationKind.ACTIVITY,
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")

    def __str__(self) -> str:
        return pick_text(self.names) or self.slug


class NationalClassifier(models.Model):
    """Which classification a member state uses to code its manufacturers' activities.

    The country is kept as its alpha-2 code rather than a foreign key so that classifiers load
    independently of reference data.
    """

    country_code = models.CharField(_("country"), max_length=2, primary_key=True)
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="national_for"
    )

    class Meta:
        ordering = ["country_code"]
        verbose_name = _("national classifier")
        verbose_name_plural = _("national classifiers")

    def __str__(self) -> str:
        return f"{self.country_code} → {self.classification.slug}"


class VersionQuerySet(models.QuerySet["Version"]):
    def valid_at(self, on: dt.date) -> VersionQuerySet:
        """Versions whose [valid_from, valid_to] interval (inclusive, open end) contains `on`."""
        return self.filter(Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on)))

    def published(self) -> VersionQuerySet:
        return self.filter(status=VersionStatus.PUBLISHED)


class Version(models.Model):
    """One version of a classification, valid over an inclusive date interval."""

    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="versions"
    )
    slug = models.SlugField(_("identifier"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.PUBLISHED
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    source = models.TextField(_("source"), blank=True)
    # The act that approved the version and an introduction, per language (title page and
    # introduction of the published document; Klass's legalBase and introduction).
    legal_base = models.JSONField(_("approving act"), default=dict, blank=True)
    introduction = models.JSONField(_("introduction"), default=dict, blank=True)
    # What is known of the content over time. A version loaded from a release of a national
    # classifier holds that release's state ("as published on content_as_of"); recorded
    # amendments say what changed, so states after `history_from` can be rebuilt.
    history = models.CharField(
        _("history"), max_length=20, choices=History.choices, default=History.COMPLETE
    )
    content_as_of = models.DateField(_("as published on"), null=True, blank=True)
    history_from = models.DateField(_("history recorded from"), null=True, blank=True)
    history_note = models.JSONField(_("publication"), default=dict, blank=True)
    # Bumped by every change of the version's codes or tables: cached serialisations carry it.
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["classification__slug", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="classifier_version_dates_ordered",
            )
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="clsver_validity_idx")]
        verbose_name = _("classification version")
        verbose_name_plural = _("classification versions")

    def __str__(self) -> str:
        return pick_text(self.names) or self.slug

    def is_valid_at(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def known_from(self) -> dt.date | None:
        """The first day whose content is known (None: as published on an unknown date)."""
        if self.history == History.COMPLETE:
            return self.valid_from
        return self.history_from or self.content_as_of


class Level(models.Model):
    """A level of a version's hierarchy (section, division, group, class, subclass, type)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("level number"))
    slug = models.SlugField(_("level"), max_length=20)
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="classifier_level_number"),
            models.UniqueConstraint(fields=["version", "slug"], name="classifier_level_slug"),
        ]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return f"{self.version.slug}:{self.slug}"


class ItemQuerySet(models.QuerySet["Item"]):
    def valid_at(self, on: dt.date) -> ItemQuerySet:
        """Items of versions valid at `on`, minus items whose own dates exclude `on`."""
        return self.filter(
            Q(version__valid_from__lte=on)
            & (Q(version__valid_to__isnull=True) | Q(version__valid_to__gte=on))
            & (Q(valid_from__isnull=True) | Q(valid_from__lte=on))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        )


class Item(models.Model):
    """A code of a version with its titles and explanatory notes per language."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="items")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    names = models.JSONField(_("titles"), default=dict)
    notes = models.JSONField(_("explanatory notes"), default=dict, blank=True)
    # Item-level dates narrow the version's dates (empty = as the version).
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="classifier_item_code_unique")
        ]
        indexes = [models.Index(fields=["code"], name="clsitem_code_idx")]
        verbose_name = _("classification item")
        verbose_name_plural = _("classification items")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.names)}"


class CorrespondenceTable(models.Model):
    """A table of correspondences from a source version to a target version."""

    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    source = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="tables_from")
    target = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="tables_to")
    kind = models.CharField(_("kind"), max_length=10, choices=TableKind.choices)
    method = models.CharField(_("method"), max_length=20, choices=TableMethod.choices)
    notes = models.JSONField(_("notes"), default=dict, blank=True)
    # Intermediate version slugs of a composed table, source and target included.
    route = models.JSONField(_("route"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="classifier_table_pair"),
        ]
        verbose_name = _("correspondence table")
        verbose_name_plural = _("correspondence tables")

    def __str__(self) -> str:
        return self.slug

    @property
    def is_official(self) -> bool:
        return self.kind == TableKind.OFFICIAL


class CorrespondenceRow(models.Model):
    """One source item ↔ target item pair; either side may be empty (no counterpart)."""

    table = models.ForeignKey(CorrespondenceTable, on_delete=models.CASCADE, related_name="rows")
    source = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    # The source has no counterpart of its own and is mapped through its nearest ancestor
    # (a subclass to its class). Read backwards, such rows are used only if nothing else is.
    by_ancestor = models.BooleanField(_("through an ancestor"), default=False)
    # UNSD's "partial" flags: only part of the source goes to the target; the target also
    # receives other sources. Read forwards a link is full when the source is not partial.
    source_partial = models.BooleanField(_("part of the source"), default=False)
    target_partial = models.BooleanField(_("part of the target"), default=False)
    basis = models.CharField(
        _("basis of the link kind"),
        max_length=10,
        choices=LinkBasis.choices,
        default=LinkBasis.FAN_OUT,
    )

    class Meta:
        ordering = ["table", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "source", "target"], name="classifier_row_unique"
            )
        ]
        indexes = [
            models.Index(fields=["table", "source"], name="clsrow_source_idx"),
            models.Index(fields=["table", "target"], name="clsrow_target_idx"),
        ]
        verbose_name = _("correspondence")
        verbose_name_plural = _("correspondences")

    def __str__(self) -> str:
        return f"{self.table.slug}: {self.source_id} → {self.target_id}"


class Amendment(models.Model):
    """A change set of a version in force from a date, made by a legal act."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="amendments")
    number = models.CharField(_("number"), max_length=40)
    legal_act = models.JSONField(_("legal act"), default=dict)
    in_force_from = models.DateField(_("in force from"))
    notes = models.JSONField(_("notes"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "in_force_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"], name="classifier_amendment_number"
            )
        ]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"{self.version.slug} {self.number} ({self.in_force_from.isoformat()})"


class AmendmentChange(models.Model):
    """One code an amendment adds, closes or renames; old titles are kept to rebuild the past."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=AmendmentChangeKind.choices)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="amendment_changes")
    old_names = models.JSONField(_("titles before"), default=dict, blank=True)
    new_names = models.JSONField(_("titles after"), default=dict, blank=True)

    class Meta:
        ordering = ["amendment", "id"]
        verbose_name = _("amended code")
        verbose_name_plural = _("amended codes")

    def __str__(self) -> str:
        return f"{self.amendment.number}: {self.kind} {self.item.code}"


class Variant(models.Model):
    """Another grouping of a version's codes (Klass's classification variant)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="variants")
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    names = models.JSONField(_("names"), default=dict)
    introduction = models.JSONField(_("introduction"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "slug"]
        verbose_name = _("classification variant")
        verbose_name_plural = _("classification variants")

    def __str__(self) -> str:
        return pick_text(self.names) or self.slug


class VariantItem(models.Model):
    """A code of a variant: its own groups (level 1) or a version code placed in a group."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    level = models.PositiveSmallIntegerField(_("level number"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    names = models.JSONField(_("titles"), default=dict)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["variant", "position"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "code"], name="classifier_variant_code")
        ]
        verbose_name = _("variant code")
        verbose_name_plural = _("variant codes")

    def __str__(self) -> str:
        return f"{self.variant.slug}:{self.code}"


class ValidationFinding(models.Model):
    """A defect found in source data when loading it, kept so that it can be reported."""

    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    table = models.ForeignKey(
        CorrespondenceTable,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="findings",
    )
    source_file = models.CharField(_("file"), max_length=100, blank=True)
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=40)
    item_code = models.CharField(_("item code"), max_length=20, blank=True)
    message = models.TextField(_("message"))
    action = models.CharField(_("action taken"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("validation finding")
        verbose_name_plural = _("validation findings")

    def __str__(self) -> str:
        return f"{self.source_file}:{self.line} {self.code} {self.item_code}"


class ManufacturerActivity(models.Model):
    """A manufacturer's primary or secondary activity, coded in its national classifier."""

    manufacturer = models.ForeignKey(
        "catalog.Manufacturer", on_delete=models.CASCADE, related_name="activities"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="manufacturer_activities")
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["manufacturer", "-is_primary", "item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "item"], name="classifier_mfr_activity_unique"
            ),
            models.UniqueConstraint(
                fields=["manufacturer"],
                condition=Q(is_primary=True),
                name="classifier_mfr_one_primary",
            ),
        ]
        verbose_name = _("manufacturer activity")
        verbose_name_plural = _("manufacturer activities")

    def __str__(self) -> str:
        kind = "primary" if self.is_primary else "secondary"
        return f"{self.manufacturer_id} {self.item.code} ({kind})"


class ControlListMark(models.Model):
    """An entry of an export-control list that covers an item of supply (dual-use marking).

    The entry is a code of a version of a classification of kind `control_list`. The item's
    assigning bureau states its marks; readers see them only where they see the item in full."""

    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="control_marks")
    entry = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="control_marks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "entry__version__classification__slug", "entry__code"]
        constraints = [
            models.UniqueConstraint(fields=["item", "entry"], name="classifier_control_mark_unique")
        ]
        verbose_name = _("control-list entry of an item")
        verbose_name_plural = _("control-list entries of items")

    def __str__(self) -> str:
        return f"{self.item_id} {self.entry.code}"
