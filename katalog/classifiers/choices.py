"""Choices of the classifier models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired")


class TableKind(models.TextChoices):
    OFFICIAL = "official", _("official")
    DERIVED = "derived", _("derived")


class TableMethod(models.TextChoices):
    PUBLISHED = "published", _("published by the owner")
    CODE_IDENTITY = "code_identity", _("code identity")
    COMPOSED = "composed", _("composed from other tables")
    IMPORTED = "imported", _("imported")


# Canonical order of hierarchy levels; a parent's level always comes earlier than its child's.
# Export-control lists have categories (0 to 9), groups (3A) and entries (3A001).
LEVEL_ORDER = [
    "category",
    "section",
    "subsection",
    "division",
    "group",
    "class",
    "subclass",
    "type",
    "entry",
]

LEVEL_NAMES = {
    "category": {"en": "category", "ru": "категория"},
    "section": {"en": "section", "ru": "секция"},
    "subsection": {"en": "subsection", "ru": "подсекция"},
    "division": {"en": "division", "ru": "раздел"},
    "group": {"en": "group", "ru": "группа"},
    "class": {"en": "class", "ru": "класс"},
    "subclass": {"en": "subclass", "ru": "подкласс"},
    "type": {"en": "type", "ru": "вид"},
    "entry": {"en": "entry", "ru": "позиция"},
}
# The level names a page shows, in every interface language (LEVEL_NAMES are stored data).
LEVEL_LABELS = {
    "category": pgettext_lazy("classifier level", "category"),
    "section": pgettext_lazy("classifier level", "section"),
    "subsection": pgettext_lazy("classifier level", "subsection"),
    "division": pgettext_lazy("classifier level", "division"),
    "group": pgettext_lazy("classifier level", "group"),
    "class": pgettext_lazy("classifier level", "class"),
    "subclass": pgettext_lazy("classifier level", "subclass"),
    "type": pgettext_lazy("classifier level", "type"),
    "entry": pgettext_lazy("classifier level", "entry"),
}


class LinkBasis(models.TextChoices):
    """Why a correspondence link is full or partial."""

    FLAG = "flag", _("the table's own flag")
    FAN_OUT = "fan_out", _("inferred from the table (one or several counterparts)")
    IDENTITY = "identity", _("code identity")
    ANCESTOR = "ancestor", _("through an ancestor")
    COMPOSED = "composed", _("composed from other tables")


class Support(models.TextChoices):
    """How well a composed target is supported, best first."""

    IDENTITY = "identity", _("same code and title")
    FULL = "full", _("full links only")
    PARTIAL = "partial", _("partial links")
    ROLLUP = "rollup", _("rolled up from the children")


class History(models.TextChoices):
    """What is known of a version's content over its validity."""

    COMPLETE = "complete", _("complete: unchanged or every amendment recorded")
    AS_PUBLISHED = "as_published", _("as published on a date; earlier states unknown")


class AmendmentChangeKind(models.TextChoices):
    ADDED = "added", _("added")
    CLOSED = "closed", _("closed")
    RENAMED = "renamed", _("renamed")


class ChangeKind(models.TextChoices):
    NEW = "new", _("new")
    REMOVED = "removed", _("removed")
    RENAMED = "renamed", _("renamed")
    SPLIT = "split", _("split")
    MERGED = "merged", _("merged")


class ClassificationKind(models.TextChoices):
    """What a classification classifies: economic activities, or goods whose export is
    controlled (an export-control list such as the EU dual-use list)."""

    ACTIVITY = "activity", _("economic activities")
    CONTROL_LIST = "control_list", _("export-control list")


class ControlMarkAction(models.TextChoices):
    """What happened to an item's control-list entries, as recorded in its history."""

    SET = "control_entries_set", _("control-list entries changed")
