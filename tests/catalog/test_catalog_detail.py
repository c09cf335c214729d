"""The item detail read in SQL against what the ORM holds for the same item."""

import datetime as dt
from decimal import Decimal

import pytest

from katalog.catalog import selectors, services
from katalog.catalog.models import CharacteristicValue, Item
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import NotFound
from katalog.core.i18n import pick_text
from katalog.refdata.models import CodeValue
from tests.factories import ManufacturerFactory, bureau, make_item


@pytest.fixture
def full_item(db):
    item = make_item()
    for number in ("ОСТ 1 31100-80", "A-17/2"):
        services.reference_add(
            actor=SYSTEM_INIT, item=item, manufacturer=ManufacturerFactory(), number=number
        )
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="12 mm")
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="MATL", raw="steel")
    services.registration_add(
        actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"), effective_from=dt.date(2020, 5, 1)
    )
    services.management_set(
        actor=SYSTEM_INIT,
        item=item,
        bureau=bureau("RU"),
        unit_of_issue="EA",
        price=Decimal("12.5"),
        currency="RUB",
    )
    return Item.objects.get(pk=item.pk)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_detail_reports_what_the_orm_holds(full_item, language):
    detail, version = selectors.item_detail_by_number(
        full_item.catalogue_number, language, reader=SYSTEM_INIT
    )
    assert version == full_item.row_version
    assert detail["catalogue_number"] == full_item.catalogue_number
    assert detail["item_name"] == {
        "code": full_item.item_name.code,
        "name": pick_text(full_item.item_name.names, language),
        "as_received": full_item.name_text,
    }
    meaning = CodeValue.objects.get(table_id="ITEM_STATUS", code=full_item.status).meanings
    assert detail["status"]["meaning"] == pick_text(meaning, language) != ""
    assert detail["supply_class"]["title"] != ""
    references = list(full_item.references.order_by("id").select_related("manufacturer"))
    assert [
        (r["number"], r["manufacturer"]["code"], r["manufacturer"]["name"])
        for r in detail["references"]
    ] == [
        (r.number, r.manufacturer.code, pick_text(r.manufacturer.names, language))
        for r in references
    ]
    values = CharacteristicValue.objects.filter(item=full_item).order_by("characteristic__position")
    assert [(v["code"], v["raw"], v["value"], v["unit"]) for v in detail["characteristics"]] == [
        (v.characteristic.code, v.raw, v.value, v.unit_code or None) for v in values
    ]
    registration = full_item.registrations.get()
    assert detail["registrations"] == [
        {"user_code": registration.bureau.user_code, "bureau": "KZ",
         "effective_from": "2020-05-01", "effective_to": None}
    ]  # fmt: skip
    assert detail["management"] == [
        {
            "user_code": bureau("RU").user_code,
            "bureau": "RU",
            "released": False,
            "unit_of_issue": "EA",
            "price": "12.50",
            "currency": "RUB",
            "notes": None,
        }
    ]


@pytest.mark.django_db
def test_detail_of_a_cancelled_item_leads_to_the_end_of_the_replacement_chain():
    first, second, third = make_item(), make_item(), make_item()
    services.item_cancel(actor=SYSTEM_INIT, item=first, reason="A", replacement=second)
    services.item_cancel(
        actor=SYSTEM_INIT, item=Item.objects.get(pk=second.pk), reason="A", replacement=third
    )
    detail, _version = selectors.item_detail_by_number(first.niin, reader=SYSTEM_INIT)
    assert (detail["cancelled"], detail["replaced_by"], detail["use_instead"]) == (
        True, second.catalogue_number, third.catalogue_number
    )  # fmt: skip
    assert (
        selectors.item_detail(Item.objects.get(pk=third.pk), reader=SYSTEM_INIT)["use_instead"]
        is None
    )


@pytest.mark.django_db
def test_detail_of_an_unknown_number_is_not_found():
    with pytest.raises(NotFound) as caught:
        selectors.item_detail_by_number("5310-57-999-9999", reader=SYSTEM_INIT)
    assert caught.value.code == "ITEM_NOT_FOUND"


@pytest.mark.django_db
def test_detail_keeps_a_whole_number_value_a_float():
    """PostgreSQL hands related rows over as JSON, where 2.0 is written as 2."""
    item = make_item()
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="2000 mm")
    detail, _version = selectors.item_detail_by_number(item.niin, reader=SYSTEM_INIT)
    (value,) = [v["value"] for v in detail["characteristics"] if v["code"] == "THDD"]
    assert (value, type(value)) == (2.0, float)
