"""The shared state of the supply classification, as the exchange carries it from the
interstate centre to the bureaus: a supply group or class by its code with every period of it
(a renamed class is one retired period and one current). The same states make the digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from katalog.refdata.models import SupplyClass, SupplyGroup

# The object types of the audit log and of the exchange's events.
SUPPLY_GROUP = "refdata.supply_group"
SUPPLY_CLASS = "refdata.supply_class"


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def group_period(group: SupplyGroup) -> dict[str, Any]:
    return {
        "titles": group.titles,
        "notes": group.notes,
        "valid_from": _date(group.valid_from),
        "valid_to": _date(group.valid_to),
    }


def class_period(row: SupplyClass) -> dict[str, Any]:
    return {
        "group_code": row.group_code,
        "titles": row.titles,
        "short_titles": row.short_titles,
        "includes": row.includes,
        "excludes": row.excludes,
        "notes": row.notes,
        "valid_from": _date(row.valid_from),
        "valid_to": _date(row.valid_to),
    }


def _by_code(rows: Iterable[Any], period: Any) -> dict[str, dict[str, Any]]:
    states: dict[str, dict[str, Any]] = {}
    for row in rows:
        states.setdefault(row.code, {"code": row.code, "periods": []})["periods"].append(
            period(row)
        )
    for state in states.values():
        state["periods"].sort(key=lambda p: p["valid_from"] or "")
    return dict(sorted(states.items()))


def supply_group_states(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    return _by_code(SupplyGroup.objects.filter(code__in=list(codes)), group_period)


def supply_class_states(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    return _by_code(SupplyClass.objects.filter(code__in=list(codes)), class_period)


def all_supply_group_states() -> Iterator[dict[str, Any]]:
    yield from _by_code(SupplyGroup.objects.all(), group_period).values()


def all_supply_class_states() -> Iterator[dict[str, Any]]:
    yield from _by_code(SupplyClass.objects.all(), class_period).values()
