"""Characteristic values, user registrations and management data load from files: bad rows are
reported with line, column and reason, re-imports add nothing, policies skip, update or fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from katalog.catalog.models import (
    CharacteristicValue,
    Item,
    ItemStatus,
    ManagementData,
    Registration,
)
from katalog.core.actors import SYSTEM_INIT
from katalog.transfer.importers.base import Policy
from katalog.transfer.importers.kinds import import_file
from tests.factories import bureau, make_item


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.code) for e in report.errors]


@pytest.mark.django_db
def test_characteristic_values_are_parsed_to_their_types(tmp_path):
    item = make_item("RU")
    other = make_item("RU")
    text = (
        "catalogue_number;characteristic;value;locale\n"
        f"{item.catalogue_number};THDD;12,5 mm;ru\n"
        f"{item.catalogue_number};MATL;латунь;ru\n"
        f"{item.catalogue_number};XXXX;1;en\n"
        f"{other.catalogue_number};THDD;много;ru\n"
        f"{item.catalogue_number};thdd;13 mm;en\n"
        "5310-57-999-9999;THDD;1 mm;en\n"
    )
    path = write(tmp_path, "chars.csv", text)
    report = import_file("characteristics", path, actor=SYSTEM_INIT)
    assert errors_of(report) == [
        (4, "characteristic", "UNKNOWN_CHARACTERISTIC"),
        (5, "value", report.errors[1].code),
        (6, "characteristic", "DUPLICATE_IN_FILE"),
        (7, "catalogue_number", "ITEM_NOT_FOUND"),
    ]
    assert report.errors[1].code.startswith(("QUANTITY", "UNIT", "NUMBER", "INVALID", "VALUE"))
    values = {v.characteristic.code: v for v in CharacteristicValue.objects.filter(item=item)}
    assert values["THDD"].value == pytest.approx(0.0125)
    assert values["THDD"].unit_code == "MMT"
    assert values["MATL"].code == "BRS"
    again = import_file("characteristics", path, actor=SYSTEM_INIT)
    assert (again.created, again.skipped) == (0, 2)
    assert CharacteristicValue.objects.filter(item=item).count() == 2

    changed = write(
        tmp_path,
        "chars2.csv",
        f"catalogue_number,characteristic,value\n{item.catalogue_number},THDD,20 mm\n",
    )
    assert (
        import_file("characteristics", changed, policy=Policy.UPDATE, actor=SYSTEM_INIT).updated
        == 1
    )
    assert CharacteristicValue.objects.get(
        item=item, characteristic__code="THDD"
    ).value == pytest.approx(0.02)
    failed = import_file("characteristics", changed, policy=Policy.FAIL, actor=SYSTEM_INIT)
    assert errors_of(failed) == [(2, "characteristic", "ALREADY_EXISTS")]


@pytest.mark.django_db
def test_registrations_load_and_revive_inactive_items(tmp_path):
    item = make_item("RU")
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.INACTIVE)
    text = (
        "catalogue_number,bureau,effective_from,effective_to\n"
        f"{item.catalogue_number},KZ,2024-01-01,\n"
        f"{item.catalogue_number},BY,2024-02-01,2025-01-01\n"
        f"{item.catalogue_number},QQ,2024-01-01,\n"
        f"{item.catalogue_number},KG,01.01.2024,\n"
        f"{item.catalogue_number},AM,2024-05-01,2024-01-01\n"
        f"{item.catalogue_number},KZ,2024-01-01,\n"
    )
    path = write(tmp_path, "reg.csv", text)
    report = import_file("registrations", path, actor=SYSTEM_INIT)
    assert errors_of(report) == [
        (4, "bureau", "UNKNOWN_BUREAU"),
        (5, "effective_from", "INVALID_DATE"),
        (6, "effective_to", "INVALID_DATE"),
        (7, "effective_from", "DUPLICATE_IN_FILE"),
    ]
    assert report.created == 2
    assert set(Registration.objects.filter(item=item).values_list("bureau__key", flat=True)) == {
        "KZ",
        "BY",
    }
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE
    again = import_file("registrations", path, actor=SYSTEM_INIT)
    assert (again.created, again.skipped) == (0, 2)
    assert Registration.objects.filter(item=item).count() == 2


@pytest.mark.django_db
def test_management_data_upserts_per_item_and_bureau(tmp_path):
    item = make_item("RU")
    text = (
        "catalogue_number\tbureau\tunit_of_issue\tprice\tcurrency\tnotes\n"
        f"{item.catalogue_number}\tRU\tEA\t12,50\tRUB\tпервая\n"
        f"{item.catalogue_number}\tKZ\tPAIR\t\t\t\n"
        f"{item.catalogue_number}\tBY\tEA\t-1\tBYN\t\n"
        f"{item.catalogue_number}\tBY\tEA\t3\tQQQ\t\n"
        f"{item.catalogue_number}\tAM\tGIZMO\t\t\t\n"
    )
    path = write(tmp_path, "md.tsv", text)
    report = import_file("management", path, actor=SYSTEM_INIT)
    assert errors_of(report) == [
        (4, "price", "INVALID_PRICE"),
        (5, "currency", "UNKNOWN_CURRENCY"),
        (6, "unit_of_issue", "UNKNOWN_UNIT_OF_ISSUE"),
    ]
    ru = ManagementData.objects.get(item=item, bureau=bureau("RU"))
    assert (ru.unit_of_issue, str(ru.price), ru.currency_id, ru.notes) == (
        "EA",
        "12.50",
        "RUB",
        "первая",
    )
    assert ManagementData.objects.get(item=item, bureau=bureau("KZ")).unit_of_issue == "PR"
    assert import_file("management", path, actor=SYSTEM_INIT).created == 0
    update = write(
        tmp_path,
        "md2.csv",
        f"catalogue_number,bureau,unit_of_issue\n{item.catalogue_number},RU,KT\n",
    )
    assert import_file("management", update, policy=Policy.UPDATE, actor=SYSTEM_INIT).updated == 1
    assert ManagementData.objects.get(item=item, bureau=bureau("RU")).unit_of_issue == "KT"


@pytest.mark.django_db
def test_dry_run_of_a_new_kind_changes_nothing(tmp_path):
    item = make_item("RU")
    path = write(
        tmp_path,
        "reg.csv",
        f"catalogue_number,bureau,effective_from\n{item.catalogue_number},KZ,2024-01-01\n",
    )
    report = import_file("registrations", path, dry_run=True, actor=SYSTEM_INIT)
    assert (report.created, report.dry_run) == (1, True)
    assert not Registration.objects.filter(item=item).exists()
