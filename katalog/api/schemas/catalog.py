"""Bodies of the catalogue endpoints: items, references, characteristics, registrations,
management data, life cycle and history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from katalog.api.schemas.control_lists import ControlEntryOut
from katalog.api.schemas.lists import ItemListMarkOut
from katalog.api.schemas.nomenclature import CitedDocumentOut


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
    bureau: str
    released: bool = Field(description="Released by its nation to every reader of the item")
    unit_of_issue: str | None
    price: str | None
    currency: str | None
    notes: str | None


class QualityRuleOut(Schema):
    code: str
    passed: bool
    message: str
    fix: str | None = Field(None, description="How to make the item pass (for a failed rule)")


class QualityOut(Schema):
    score: int = Field(description="0 to 100: the share of the rules' weights the item passes")
    rules: list[QualityRuleOut]


class InterchangeItemOut(Schema):
    catalogue_number: str
    status: str
    status_meaning: str
    active: bool = Field(description="Whether the item may be used (status 0 or 1)")
    relation: str = Field(
        description="To the master: `two_way` (interchangeable), `replaces_master` (may be used "
        "in place of the master, not the reverse), `replaced_by_master` (the master may be used "
        "in its place, not the reverse); `master` for the master itself"
    )
    conditions: str
    stated_on: str | None
    bureau: str | None = Field(description="The bureau that stated the relation")
    may_replace_this: bool = Field(description="May be used in place of the item read")
    this_may_replace: bool = Field(description="The item read may be used in its place")


class InterchangeOut(Schema):
    family_id: int
    bureau: str = Field(description="The bureau that stated the family and alone changes it")
    relation: str = Field(description="The relation of the item read to the master")
    master: InterchangeItemOut | None = Field(
        description="The preferred item (none if the reader may not see it)"
    )
    members: list[InterchangeItemOut] = Field(
        description="The members the reader may see, the item read among them"
    )


class AlternativeOut(InterchangeItemOut):
    source: str = Field(
        description="`family` (a member of its family) or `replacement` (its replacement)"
    )


class ItemOut(Schema):
    catalogue_number: str
    niin: str
    version: int = Field(description='The item\'s version; also its ETag, W/"<version>".')
    supply_class: SupplyClassOut
    item_name: ItemNameOut
    identification_type: str
    status: CodeMeaningOut
    cancelled: bool
    cancellation_reason: str | None
    replaced_by: str | None
    use_instead: str | None = Field(
        None,
        description="For a cancelled item, the end of its replacement chain: the number to use now.",
    )
    bureau: BureauRefOut
    release: str = Field(
        description="`public`, or `restricted` to the assigning bureau and the registered users"
    )
    restricted: bool = Field(
        description="True when the reader sees only the number, the name and the status"
    )
    references: list[ReferenceOut]
    characteristics: list[CharacteristicOut]
    registrations: list[RegistrationOut]
    management: list[ManagementOut]
    interchange: InterchangeOut | None = Field(
        None, description="The item's interchangeability family, if it is in one"
    )
    quality: QualityOut | None = Field(
        None, description="The item's data quality, rule by rule (none until it is scored)"
    )
    documents: list[CitedDocumentOut] = Field(
        default_factory=list,
        description="The registered normative documents its references cite, with their status",
    )
    control_entries: list[ControlEntryOut] = Field(
        default_factory=list,
        description="The export-control list entries (dual-use) that cover the item",
    )
    lists: list[ItemListMarkOut] = Field(
        default_factory=list,
        description="The lists in force it is on: preferred items, restrictive lists (not to be "
        "used in new designs); none for a reader who sees only its number, name and status",
    )


class ItemSummaryOut(Schema):
    catalogue_number: str
    niin: str
    version: int
    supply_class: str
    item_name: CodeMeaningOut
    status: str
    bureau: str


class ItemPage(Schema):
    items: list[ItemSummaryOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class NewReferenceIn(Schema):
    number: str = Field(min_length=1, max_length=32)
    manufacturer: str = Field(min_length=1, max_length=5, description="Manufacturer code")
    category: str = Field("3", min_length=1, max_length=1, description="RNCC")
    variation: str = Field("2", min_length=1, max_length=1, description="RNVC")
    document_availability: str = Field("9", min_length=1, max_length=1, description="DAC")
    justification: str = Field(
        "", max_length=1, description="RNJC: why a reference also on another item is kept"
    )


class ItemCreateIn(Schema):
    supply_class: str = Field(min_length=4, max_length=4)
    item_name: str = Field(min_length=5, max_length=5, description="Item name code")
    name_text: str = Field("", max_length=200)
    identification_type: str = Field("2", min_length=1, max_length=2)
    partial_reason: str = Field("", max_length=1)
    references: list[NewReferenceIn] = Field(default_factory=list, max_length=200)
    characteristics: dict[str, str] = Field(
        default_factory=dict,
        description='Characteristic code → reply as typed, e.g. {"THDD": "12 mm"}',
    )
    locale: str = Field("en", max_length=10, description="How numbers in replies are written")
    release: str = Field("public", max_length=10, description="`public` or `restricted`")


class ItemUpdateIn(Schema):
    supply_class: str | None = Field(None, min_length=4, max_length=4)
    item_name: str | None = Field(None, min_length=5, max_length=5)
    name_text: str | None = Field(None, max_length=200)
    identification_type: str | None = Field(None, min_length=1, max_length=2)
    partial_reason: str | None = Field(None, max_length=1)
    release: str | None = Field(None, max_length=10, description="`public` or `restricted`")


class CancelIn(Schema):
    reason: str = Field(
        min_length=1, max_length=1, description="Reason for cancellation (DRN 6998)"
    )
    replacement: str | None = Field(
        None, max_length=20, description="Catalogue number of the replacement"
    )


class CancelDuplicateIn(Schema):
    kept: str = Field(min_length=1, max_length=20, description="Catalogue number of the item kept")


class CancelUseIn(Schema):
    replacement: str = Field(
        min_length=1, max_length=20, description="Catalogue number to use instead"
    )


class ReinstateIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class EventOut(Schema):
    id: int = Field(description="Position of the entry in the installation's audit log")
    at: dt.datetime
    action: str
    action_label: str
    actor: str | None = Field(description="Who acted; not shown to anonymous readers")
    bureau: str | None
    interface: str = Field(description="page, api, cli, job, import, exchange or system")
    reason: str
    data: dict[str, Any]


class EventPage(Schema):
    items: list[EventOut]
    next: str | None


class ItemReferenceOut(ReferenceOut):
    id: int
    bureau: str
    justification: str


class ReferenceHitOut(Schema):
    id: int
    number: str
    manufacturer: ManufacturerRefOut
    catalogue_number: str
    item_status: str
    replaced_by: str | None


class CharacteristicIn(Schema):
    reply: str = Field(
        min_length=1, max_length=200, description='The reply as typed, e.g. "12,5 mm"'
    )
    locale: str = Field("en", max_length=10)


class RegistrationIn(Schema):
    bureau: str | None = Field(
        None, max_length=8, description="Bureau key; the caller's own by default"
    )
    effective_from: dt.date | None = None


class WithdrawIn(Schema):
    effective_to: dt.date | None = None


class ManagementIn(Schema):
    unit_of_issue: str = Field("", max_length=3)
    price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    notes: str = Field("", max_length=2000)
    released: bool = Field(False, description="Release this nation's data to every reader")
