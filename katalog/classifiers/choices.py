"""Choices of the classifier models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
LEVEL_ORDER = ["section", "subsection", "division", "group", "class", "subclass", "type"]

LEVEL_NAMES = {
    "section": {"en": "section", "ru": "секция"},
    "subsection": {"en": "subsection", "ru": "подсекция"},
    "division": {"en": "division", "ru": "раздел"},
    "group": {"en": "group", "ru": "группа"},
    "class": {"en": "class", "ru": "класс"},
    "subclass": {"en": "subclass", "ru": "подкласс"},
    "type": {"en": "type", "ru": "вид"},
}


class ChangeKind(models.TextChoices):
    NEW = "new", _("new")
    REMOVED = "removed", _("removed")
    RENAMED = "renamed", _("renamed")
    SPLIT = "split", _("split")
    MERGED = "merged", _("merged")
