"""The shared state of catalogue objects, as the exchange carries it between installations.

One function per object gives the part every nation may see: an item's identification,
characteristics, references, user registrations, the management data its nation released and
the interchangeability family it is in (keyed by its stating bureau and master item, its
members by number); a manufacturer's record. A restricted item travels as its number, name and status only (what
`ReleaseLevel` lets every nation read), so an event is the same for every peer and no peer
sees a gap in an origin's sequence. The same states make the digest two converged
installations agree on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from katalog.catalog.models import (
    CharacteristicValue,
    InterchangeFamily,
    InterchangeMember,
    Item,
    ManagementData,
    Manufacturer,
    Reference,
    Registration,
    ReleaseLevel,
)

STATE_BATCH = 1_000

# The columns that only the assigning bureau changes.
IDENTIFICATION_FIELDS = (
    "supply_class",
    "item_name",
    "name_text",
    "identification_type",
    "partial_reason",
    "cancellation_reason",
    "replaced_by",
    "release",
    "bureau",
)


def _family_members() -> Any:
    return InterchangeMember.objects.select_related("item", "bureau").order_by("item__niin")


def _items_prefetched(rows: Any) -> Any:
    return rows.select_related(
        "item_name",
        "bureau",
        "replaced_by",
        "family_mastered__bureau",
        "family_membership__family__master",
        "family_membership__family__bureau",
    ).prefetch_related(
        Prefetch("family_mastered__members", queryset=_family_members()),
        Prefetch("family_membership__family__members", queryset=_family_members()),
        Prefetch(
            "characteristics",
            queryset=CharacteristicValue.objects.select_related("characteristic__guide").order_by(
                "characteristic__guide__code", "characteristic__code"
            ),
        ),
        Prefetch(
            "references",
            queryset=Reference.objects.select_related("manufacturer", "bureau").order_by(
                "manufacturer__code", "number"
            ),
        ),
        Prefetch(
            "registrations",
            queryset=Registration.objects.select_related("bureau").order_by(
                "bureau__key", "effective_from"
            ),
        ),
        Prefetch(
            "management",
            queryset=ManagementData.objects.filter(released=True)
            .select_related("bureau")
            .order_by("bureau__key"),
        ),
    )


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def _price(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _family_of(item: Item) -> InterchangeFamily | None:
    family = getattr(item, "family_mastered", None)
    if family is not None:
        return family
    membership = getattr(item, "family_membership", None)
    return membership.family if membership is not None else None


def family_state(family: InterchangeFamily | None) -> dict[str, Any] | None:
    """A family as it travels: its stating bureau, its master's number and its members by
    number. Restricted items are left out (a restricted master: the family does not travel,
    and its members travel as in none), so no nation learns what a restricted item replaces."""
    if family is None or family.master.release == ReleaseLevel.RESTRICTED:
        return None
    return {
        "bureau": family.bureau.key,
        "master": family.master.niin,
        "members": [
            {
                "item": member.item.niin,
                "relation": member.relation,
                "conditions": member.conditions,
                "bureau": member.bureau.key,
                "stated_on": member.stated_on.isoformat(),
            }
            for member in family.members.all()
            if member.item.release != ReleaseLevel.RESTRICTED
        ],
    }


def item_state(item: Item) -> dict[str, Any]:
    """The item as every nation may see it; `item` should come from `_items_prefetched`."""
    state: dict[str, Any] = {
        "niin": item.niin,
        "supply_class": item.supply_class,
        "item_name": item.item_name.code,
        "status": item.status,
        "bureau": item.bureau.key,
        "release": item.release,
    }
    if item.release == ReleaseLevel.RESTRICTED:
        return state
    state.update(
        name_text=item.name_text,
        identification_type=item.identification_type,
        partial_reason=item.partial_reason,
        cancellation_reason=item.cancellation_reason,
        replaced_by=item.replaced_by.niin if item.replaced_by else None,
        characteristics=[
            {
                "guide": value.characteristic.guide.code,
                "code": value.characteristic.code,
                "raw": value.raw,
                "qualifier": value.qualifier,
                "unit": value.unit_code,
                "value": _number(value.value),
                "value_max": _number(value.value_max),
                "reply": value.code,
                "text": value.text,
                "flag": value.flag,
            }
            for value in item.characteristics.all()
        ],
        references=[
            {
                "manufacturer": ref.manufacturer.code,
                "number": ref.number,
                "category": ref.category,
                "variation": ref.variation,
                "document_availability": ref.document_availability,
                "format": ref.format_code,
                "source": ref.source_code,
                "justification": ref.justification,
                "bureau": ref.bureau.key,
            }
            for ref in item.references.all()
        ],
        registrations=[
            {
                "bureau": reg.bureau.key,
                "from": reg.effective_from.isoformat(),
                "to": reg.effective_to.isoformat() if reg.effective_to else None,
            }
            for reg in item.registrations.all()
        ],
        management=[
            {
                "bureau": row.bureau.key,
                "unit_of_issue": row.unit_of_issue,
                "price": _price(row.price),
                "currency": row.currency_id,
                "notes": row.notes,
            }
            for row in item.management.all()
        ],
        family=family_state(_family_of(item)),
    )
    return state


def item_states(niins: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The states of the items with these numbers, read in batches."""
    wanted = list(dict.fromkeys(niins))
    states: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), STATE_BATCH):
        rows = _items_prefetched(Item.objects.filter(niin__in=wanted[start : start + STATE_BATCH]))
        states.update((item.niin, item_state(item)) for item in rows)
    return states


def manufacturer_state(manufacturer: Manufacturer) -> dict[str, Any]:
    return {
        "code": manufacturer.code,
        "names": dict(sorted(manufacturer.names.items())),
        "address": manufacturer.address,
        "country": manufacturer.country_id,
        "status": manufacturer.status,
        "replaced_by": manufacturer.replaced_by.code if manufacturer.replaced_by else None,
        "parent": manufacturer.parent.code if manufacturer.parent else None,
        "bureau": manufacturer.bureau.key,
    }


def _manufacturers_prefetched(rows: Any) -> Any:
    return rows.select_related("bureau", "replaced_by", "parent")


def manufacturer_states(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = list(dict.fromkeys(codes))
    states: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), STATE_BATCH):
        rows = _manufacturers_prefetched(
            Manufacturer.objects.filter(code__in=wanted[start : start + STATE_BATCH])
        )
        states.update((m.code, manufacturer_state(m)) for m in rows)
    return states


def all_item_state_pages() -> Iterator[list[dict[str, Any]]]:
    """Every item's state in number order, a keyset page at a time (flat memory at any size)."""
    after = ""
    while True:
        page = list(
            _items_prefetched(Item.objects.filter(niin__gt=after).order_by("niin"))[:STATE_BATCH]
        )
        if not page:
            return
        yield [item_state(item) for item in page]
        after = page[-1].niin


def all_item_states() -> Iterator[dict[str, Any]]:
    for page in all_item_state_pages():
        yield from page


def all_manufacturer_states() -> Iterator[dict[str, Any]]:
    after = ""
    while True:
        page = list(
            _manufacturers_prefetched(Manufacturer.objects.filter(code__gt=after).order_by("code"))[
                :STATE_BATCH
            ]
        )
        if not page:
            return
        for manufacturer in page:
            yield manufacturer_state(manufacturer)
        after = page[-1].code
