"""Catalogue endpoints: items of supply with references, registrations and management data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from katalog.api.errors import Problem
from katalog.catalog import selectors

router = Router(tags=["catalogue"])


class CodeMeaningOut(Schema):
    code: str
    meaning: str


class SupplyClassOut(Schema):
    code: str
    title: str


class ItemNameOut(Schema):
    code: str
    name: str
    as_received: str


class BureauRefOut(Schema):
    key: str
    user_code: str
    bureau_code: str


class ManufacturerRefOut(Schema):
    code: str
    name: str
    country: str | None


class ReferenceOut(Schema):
    number: str
    manufacturer: ManufacturerRefOut
    category: str
    variation: str
    document_availability: str


class CharacteristicOut(Schema):
    code: str
    name: str
    reply: str
    raw: str
    unit: str | None
    value: float | None
    value_max: float | None
    canonical_unit: str | None
    qualifier: str | None


class RegistrationOut(Schema):
    user_code: str
    bureau: str
    effective_from: str
    effective_to: str | None


class ManagementOut(Schema):
    user_code: str
    unit_of_issue: str | None
    price: str | None
    currency: str | None
    notes: str | None


class ItemOut(Schema):
    catalogue_number: str
    niin: str
    supply_class: SupplyClassOut
    item_name: ItemNameOut
    identification_type: str
    status: CodeMeaningOut
    cancelled: bool
    cancellation_reason: str | None
    replaced_by: str | None
    bureau: BureauRefOut
    references: list[ReferenceOut]
    characteristics: list[CharacteristicOut]
    registrations: list[RegistrationOut]
    management: list[ManagementOut]


@router.get(
    "/items/{number}",
    response={200: ItemOut, 404: Problem, 422: Problem},
    operation_id="item_get",
    summary="One item of supply by catalogue number (any accepted form)",
)
def item_get(request: HttpRequest, number: str, lang: str | None = None) -> Any:
    """Accepts `5310-01-234-5678`, `5310012345678`, `01-234-5678` or `012345678`.

    A cancelled item names its replacement in `replaced_by`.
    """
    item = selectors.item_get(number)
    return selectors.item_detail(item, lang or getattr(request, "LANGUAGE_CODE", None))
