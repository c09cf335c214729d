"""Reference data shipped with katalog: countries, currencies, units, code tables, supply classes.

Titles are stored per language in JSON (`{"en": ..., "ru": ...}`) so translations can be added
by import without a schema change.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from katalog.core.i18n import pick_text


class Country(models.Model):
    """ISO 3166-1 country with its names in the member states' languages."""

    alpha2 = models.CharField(_("alpha-2 code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("numeric code"), max_length=3)
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["alpha2"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{self.alpha2} {pick_text(self.names)}"


class Currency(models.Model):
    """ISO 4217 currency."""

    alpha3 = models.CharField(_("code"), max_length=3, primary_key=True)
    numeric = models.CharField(_("numeric code"), max_length=3)
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["alpha3"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return f"{self.alpha3} {pick_text(self.names)}"


class UnitOfMeasure(models.Model):
    """A UN/CEFACT Recommendation 20 unit code, mapped to a pint unit where one exists."""

    code = models.CharField(_("Rec 20 code"), max_length=3, primary_key=True)
    names = models.JSONField(_("names"), default=dict)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    quantity = models.CharField(_("quantity"), max_length=200, blank=True)
    level_category = models.CharField(_("level/category"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=2, blank=True)
    conversion_factor = models.CharField(_("conversion factor"), max_length=120, blank=True)
    pint_unit = models.CharField(_("pint unit"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.names)}"


class CodeTable(models.Model):
    """A coded data element (item status, RNCC, DAC, …), keyed by a stable name and its DRN."""

    key = models.CharField(_("key"), max_length=40, primary_key=True)
    drn = models.CharField(_("data record number"), max_length=8, blank=True)
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["key"]
        verbose_name = _("code table")
        verbose_name_plural = _("code tables")

    def __str__(self) -> str:
        return self.key


class CodeValue(models.Model):
    """One code of a code table with its meaning per language."""

    table = models.ForeignKey(CodeTable, on_delete=models.CASCADE, related_name="values")
    code = models.CharField(_("code"), max_length=8)
    meanings = models.JSONField(_("meanings"), default=dict)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["table", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="codevalue_unique_code")
        ]
        verbose_name = _("code value")
        verbose_name_plural = _("code values")

    def __str__(self) -> str:
        return f"{self.table_id}:{self.code} {pick_text(self.meanings)}"


class SupplyGroup(models.Model):
    """A 2-digit supply classification group, valid over a period."""

    code = models.CharField(_("code"), max_length=2, db_index=True)
    titles = models.JSONField(_("titles"), default=dict)
    notes = models.JSONField(_("notes"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="supplygroup_unique_period")
        ]
        verbose_name = _("supply group")
        verbose_name_plural = _("supply groups")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.titles)}"


class SupplyClass(models.Model):
    """A 4-digit supply class (2-digit group + 2-digit class), valid over a period.

    A code can appear more than once: once retired, once current (renamed classes).
    """

    code = models.CharField(_("code"), max_length=4, db_index=True)
    group_code = models.CharField(_("group"), max_length=2, db_index=True)
    titles = models.JSONField(_("titles"), default=dict)
    short_titles = models.JSONField(_("short titles"), default=dict, blank=True)
    includes = models.JSONField(_("inclusions"), default=dict, blank=True)
    excludes = models.JSONField(_("exclusions"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="supplyclass_unique_period")
        ]
        verbose_name = _("supply class")
        verbose_name_plural = _("supply classes")

    def __str__(self) -> str:
        return f"{self.code} {pick_text(self.titles) or pick_text(self.short_titles)}"
