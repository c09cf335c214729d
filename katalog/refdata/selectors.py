"""Reads of reference data: supply groups and classes current on a date, code tables, units."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.core.errors import NotFound
from katalog.refdata.errors import RefdataErrorCode as E
from katalog.refdata.models import (
    CodeTable,
    CodeValue,
    Currency,
    SupplyClass,
    SupplyGroup,
    UnitOfMeasure,
)


def current(rows: QuerySet, on: dt.date | None = None) -> QuerySet:
    """Rows whose validity period holds the date `on` (today by default); open ends are open."""
    on = on or timezone.localdate()
    return rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on)
    )


def supply_group_list(*, on: dt.date | None = None) -> list[SupplyGroup]:
    return list(current(SupplyGroup.objects.all(), on).order_by("code"))


def supply_group_get(code: str, *, on: dt.date | None = None) -> SupplyGroup:
    found = current(SupplyGroup.objects.filter(code=code.strip()), on).first()
    if found is None:
        raise NotFound(
            _("No supply group %(code)s") % {"code": code}, code=E.SUPPLY_GROUP_NOT_FOUND
        )
    return found


def supply_class_list(*, group: str | None = None, on: dt.date | None = None) -> list[SupplyClass]:
    """Current supply classes in code order, of one group if asked."""
    rows = current(SupplyClass.objects.all(), on)
    if group:
        rows = rows.filter(group_code=group)
    return list(rows.order_by("code"))


def supply_class_get(code: str, *, on: dt.date | None = None) -> SupplyClass:
    found = current(SupplyClass.objects.filter(code=code.strip()), on).first()
    if found is None:
        raise NotFound(
            _("No supply class %(code)s") % {"code": code}, code=E.SUPPLY_CLASS_NOT_FOUND
        )
    return found


def supply_class_titles(
    codes: list[str], *, on: dt.date | None = None
) -> dict[str, dict[str, str]]:
    """Code → multilingual title of the current classes among `codes` (unknown codes left out)."""
    return {c.code: c.titles for c in current(SupplyClass.objects.filter(code__in=codes), on)}


def code_table_get(name: str) -> CodeTable:
    found = CodeTable.objects.filter(key=name.strip().upper()).first()
    if found is None:
        raise NotFound(_("No code table %(name)s") % {"name": name}, code=E.CODE_TABLE_NOT_FOUND)
    return found


def code_table_values(table: CodeTable) -> list[CodeValue]:
    return list(table.values.order_by("position", "code"))


def unit_find(code: str) -> UnitOfMeasure | None:
    """The unit of measure with this Rec 20 code, None if there is none."""
    return UnitOfMeasure.objects.filter(code=code).first() if code else None


def currency_names() -> dict[str, dict[str, str]]:
    """Every currency's names by its ISO 4217 code (under two hundred rows)."""
    return dict(Currency.objects.values_list("alpha3", "names"))
