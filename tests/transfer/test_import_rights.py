"""Imports act for the person who started them and apply the single writes' rules row by row: a
row the person may not write is rejected with its line and the rule's code, the rest loads; the
audit log names every row a batch changed, and the touched items' versions move on."""

from __future__ import annotations

from pathlib import Path

import pytest

from katalog.audit.models import AuditEntry
from katalog.catalog import services
from katalog.catalog.models import Item, ManagementData, Manufacturer, Registration, SerialCounter
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import PermissionDenied
from katalog.transfer.importers.base import Policy
from katalog.transfer.importers.kinds import import_file
from tests.factories import ManufacturerFactory, UserFactory, bureau, history_of, make_item

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(report) -> list[tuple[int, str]]:
    return [(e.line, e.code) for e in report.errors]


@pytest.fixture
def kz():
    return UserFactory(username="kz-importer", bureau=bureau("KZ"))


@pytest.fixture
def ru_item():
    item = make_item("RU", name_text="ГАЙКА")
    for key in ("RU", "AM"):
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(key))
    services.management_set(
        actor=SYSTEM_INIT, item=item, bureau=bureau("RU"), price="100", currency="RUB"
    )
    return Item.objects.get(pk=item.pk)


def snapshot(item: Item) -> tuple:
    fresh = Item.objects.get(pk=item.pk)
    return (
        fresh.name_text,
        fresh.status,
        fresh.row_version,
        sorted(Registration.objects.filter(item=item).values_list("bureau__key", "effective_to")),
        sorted(ManagementData.objects.filter(item=item).values_list("bureau__key", "price")),
    )


def test_another_bureau_cannot_rewrite_an_item_by_importing_it(tmp_path, kz, ru_item):
    """The issue's finding: a KZ cataloguer's item import with on_existing=update rewrote a
    Russian item's name, status and price, and withdrew RU's and AM's registrations."""
    before = snapshot(ru_item)
    items = write(tmp_path, "items.csv",
                  "catalogue_number;item_name_code;name;status;unit_of_issue;price;currency\n"
                  f"{ru_item.catalogue_number};10101;ПЕРЕПИСАНО;1;EA;0,01;RUB\n")  # fmt: skip
    report = import_file("items", items, actor=kz, policy=Policy.UPDATE)
    assert codes(report) == [(2, "NOT_ASSIGNING_BUREAU")]
    registrations = write(tmp_path, "registrations.csv",
                          "catalogue_number;bureau;effective_from;effective_to\n"
                          f"{ru_item.catalogue_number};RU;2020-01-01;2021-01-01\n"
                          f"{ru_item.catalogue_number};AM;2020-01-01;2021-01-01\n")  # fmt: skip
    report = import_file("registrations", registrations, actor=kz, policy=Policy.UPDATE)
    assert codes(report) == [(2, "NOT_OWN_DATA"), (3, "NOT_OWN_DATA")]
    management = write(tmp_path, "management.csv",
                       "catalogue_number;bureau;unit_of_issue;price;currency\n"
                       f"{ru_item.catalogue_number};RU;EA;0,01;RUB\n")  # fmt: skip
    report = import_file("management", management, actor=kz, policy=Policy.UPDATE)
    assert codes(report) == [(2, "NOT_OWN_DATA")]
    assert snapshot(ru_item) == before


def test_a_russian_manufacturer_is_not_renamed_by_another_bureau(tmp_path, kz):
    ManufacturerFactory(code="A555F", names={"en": "Samara Works"})
    path = write(tmp_path, "m.csv", "code;name_en;country\nA555F;Renamed;RU\nA556F;New;RU\n")
    report = import_file("manufacturers", path, actor=kz, policy=Policy.UPDATE)
    assert codes(report) == [(2, "NOT_MANUFACTURER_BUREAU"), (3, "NOT_MANUFACTURER_BUREAU")]
    assert Manufacturer.objects.get(code="A555F").names == {"en": "Samara Works"}
    assert not Manufacturer.objects.filter(code="A556F").exists()


def test_numbers_of_another_bureau_are_not_loaded_and_the_counter_does_not_move(tmp_path, kz):
    """The issue's finding: importing 5310-57-999-9999 moved RU's counter to 9,999,999."""
    before = dict(SerialCounter.objects.values_list("bureau_code", "last_serial"))
    path = write(tmp_path, "items.csv", "catalogue_number;item_name_code\n5310-57-999-9999;10101\n")
    report = import_file("items", path, actor=kz)
    assert codes(report) == [(2, "NOT_ASSIGNING_BUREAU")]
    assert dict(SerialCounter.objects.values_list("bureau_code", "last_serial")) == before
    ru = UserFactory(username="ru-importer", bureau=bureau("RU"))
    report = import_file("items", path, actor=ru)
    assert codes(report) == [(2, "SERIAL_BEYOND_COUNTER")]
    assert dict(SerialCounter.objects.values_list("bureau_code", "last_serial")) == before
    made = services.item_create(
        actor=ru, bureau=bureau("RU"), supply_class="5310", item_name_code="10101"
    )
    assert made.serial == before.get("57", 0) + 1


def test_a_migration_by_the_centre_administrator_loads_any_bureaus_numbers(tmp_path):
    admin = UserFactory(username="centre-admin", bureau=bureau("MC"), roles=["centre_admin"])
    path = write(tmp_path, "items.csv", "catalogue_number;item_name_code\n5310-57-999-9999;10101\n")
    report = import_file("items", path, actor=admin)
    assert (report.created, report.rejected) == (1, 0)
    assert SerialCounter.objects.get(bureau_code="57").last_serial == 9_999_999


def test_a_person_without_a_bureau_or_role_imports_nothing(tmp_path):
    path = write(tmp_path, "items.csv", "catalogue_number;item_name_code\n5310-57-000-0005;10101\n")
    for person in (UserFactory(username="nobody", bureau=None),
                   UserFactory(username="ru-viewer", bureau=bureau("RU"), roles=["viewer"])):  # fmt: skip
        with pytest.raises(PermissionDenied):
            import_file("items", path, actor=person)
    assert not Item.objects.filter(niin="570000005").exists()


def test_a_registered_nation_imports_its_own_data_and_each_batch_is_audited(tmp_path, kz, ru_item):
    services.registration_add(actor=SYSTEM_INIT, item=ru_item, bureau=bureau("KZ"))
    version = Item.objects.get(pk=ru_item.pk).row_version
    maker = ManufacturerFactory(code="A557F")
    text = (
        "catalogue_number;reference_number;manufacturer_code\n"
        f"{ru_item.catalogue_number};KZ-REF-1;{maker.code}\n"
        f"{ru_item.catalogue_number};KZ-REF-2;{maker.code}\n"
    )
    report = import_file("references", write(tmp_path, "refs.csv", text), actor=kz)
    assert (report.created, report.rejected) == (2, 0)
    refs = ru_item.references.filter(number__startswith="KZ-REF")
    assert set(refs.values_list("bureau__key", flat=True)) == {"KZ"}
    assert Item.objects.get(pk=ru_item.pk).row_version == version + 1
    entry = AuditEntry.objects.get(action="references_imported")
    assert (entry.actor_name, entry.subject_count) == ("kz-importer", 2)
    assert entry.changes["lines"] == [2, 3]
    assert history_of(ru_item)[-1] == entry
    management = write(tmp_path, "m.csv", "catalogue_number;bureau;price;currency\n"
                       f"{ru_item.catalogue_number};KZ;12;KZT\n")  # fmt: skip
    assert import_file("management", management, actor=kz).created == 1


def test_unknown_codes_are_rejected_per_row_and_the_rest_loads(tmp_path):
    ru = UserFactory(username="ru-importer", bureau=bureau("RU"))
    text = (
        "catalogue_number;item_name_code;unit_of_issue;price;currency\n"
        "5310-57-000-0011;10101;EA;1;RUB\n"
        "5310-57-000-0012;10101;EA;1;ZZZ\n"
        "5310-57-000-0013;10101;QQ;1;RUB\n"
        "5310-57-000-0014;10101;EA;1;RUB\n"
    )
    report = import_file("items", write(tmp_path, "items.csv", text), actor=ru)
    assert codes(report) == [(3, "UNKNOWN_CURRENCY"), (4, "UNKNOWN_UNIT_OF_ISSUE")]
    assert report.created == 2
    assert sorted(
        Item.objects.filter(niin__in=["570000011", "570000014"]).values_list("niin", flat=True)
    ) == [
        "570000011",
        "570000014",
    ]
