"""Item names (with their 5-digit codes) and identification guides with typed characteristics."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from katalog.core.i18n import pick_text

NO_APPROVED_NAME_CODE = "77777"


class ReplyTable(models.Model):
    """A list of coded replies (materials, finishes, thread series, …)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["code"]
        verbose_name = _("reply table")
        verbose_name_plural = _("reply tables")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.names)}"


class ReplyCode(models.Model):
    """One coded reply with its meaning per language."""

    table = models.ForeignKey(ReplyTable, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=8)
    meanings = models.JSONField(_("meanings"), default=dict)

    class Meta:
        ordering = ["table", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="replycode_unique_code")
        ]
        verbose_name = _("reply code")
        verbose_name_plural = _("reply codes")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.meanings)}"


class IdentificationGuide(models.Model):
    """An identification guide: the ordered characteristics that describe a family of items."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["code"]
        verbose_name = _("identification guide")
        verbose_name_plural = _("identification guides")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.names)}"


class ReplyType(models.TextChoices):
    CODED = "coded", _("coded")
    NUMERIC = "numeric", _("numeric with unit")
    RANGE = "range", _("range")
    TEXT = "text", _("text")
    BOOLEAN = "boolean", _("yes/no")


class Characteristic(models.Model):
    """One characteristic of a guide: 4-letter code, reply type, and screening behaviour."""

    guide = models.ForeignKey(
        IdentificationGuide, on_delete=models.CASCADE, related_name="characteristics"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("characteristic code"), max_length=4)
    names = models.JSONField(_("names"), default=dict)
    reply_type = models.CharField(_("reply type"), max_length=10, choices=ReplyType.choices)
    reply_table = models.ForeignKey(
        ReplyTable, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For numeric and range replies: the quantity's canonical pint unit (e.g. "meter") and the
    # Rec 20 unit offered by default (e.g. "MMT").
    canonical_unit = models.CharField(_("canonical unit"), max_length=40, blank=True)
    default_unit = models.CharField(_("default unit"), max_length=3, blank=True)
    min_value = models.FloatField(
        _("smallest possible value (canonical unit)"), null=True, blank=True
    )
    max_value = models.FloatField(
        _("largest possible value (canonical unit)"), null=True, blank=True
    )
    required = models.BooleanField(_("required"), default=False)
    is_key = models.BooleanField(_("key for screening"), default=False)
    # Relative tolerance for key numeric characteristics: 0.02 means values within 2 % match.
    tolerance = models.FloatField(_("screening tolerance"), default=0.0)

    class Meta:
        ordering = ["guide", "position"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "code"], name="characteristic_unique_code"),
            models.UniqueConstraint(
                fields=["guide", "position"], name="characteristic_unique_position"
            ),
        ]
        verbose_name = _("characteristic")
        verbose_name_plural = _("characteristics")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.names)}"


class ItemNameKind(models.TextChoices):
    APPROVED = "approved", _("approved")
    BASIC = "basic", _("basic")
    COLLOQUIAL = "colloquial", _("colloquial")


class ItemName(models.Model):
    """An item name with its 5-digit code. Basic and colloquial names point to an approved one."""

    code = models.CharField(_("item name code"), max_length=5, unique=True)
    kind = models.CharField(_("type"), max_length=10, choices=ItemNameKind.choices)
    names = models.JSONField(_("names"), default=dict)
    definitions = models.JSONField(_("definitions"), default=dict, blank=True)
    guide = models.ForeignKey(
        IdentificationGuide,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="item_names",
    )
    approved_name = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="synonyms"
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("item name")
        verbose_name_plural = _("item names")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.names)}"


class ItemNameClass(models.Model):
    """A supply class in which items of this name may be classified."""

    item_name = models.ForeignKey(ItemName, on_delete=models.CASCADE, related_name="classes")
    class_code = models.CharField(_("supply class"), max_length=4, db_index=True)

    class Meta:
        ordering = ["item_name", "class_code"]
        constraints = [
            models.UniqueConstraint(fields=["item_name", "class_code"], name="itemnameclass_unique")
        ]
        verbose_name = _("allowed supply class")
        verbose_name_plural = _("allowed supply classes")

    def __str__(self) -> str:
        return f"{self.item_name.code} in {self.class_code}"
