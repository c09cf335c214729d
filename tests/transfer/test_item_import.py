"""Imports report each rejected row with its line and reason, load the good rows, and are
idempotent."""

from pathlib import Path

import pytest
from django.utils import translation

from katalog.catalog.models import Item, ManagementData, Manufacturer, Reference
from katalog.core.actors import SYSTEM_INIT
from katalog.core.loading import data_path
from katalog.transfer.importers.base import Policy
from katalog.transfer.importers.kinds import import_file

LESO = data_path(
    __import__("katalog.synthetic.demo_public").synthetic.demo_public.__file__, "leso_nsn_items.csv"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.django_db
def test_leso_sample_loads_standard_numbers_and_reports_local_ones(tmp_path):
    errors = tmp_path / "errors.csv"
    with translation.override("en"):
        report = import_file("items", LESO, error_file=errors, actor=SYSTEM_INIT)
    lines = LESO.read_text(encoding="utf-8").splitlines()
    assert report.total == len(lines) - 1
    assert report.created + report.rejected == report.total
    assert Item.objects.count() == report.created
    # Non-standard local numbers such as 1005-00-BAR-RELM are rejected with their line number.
    first = report.errors[0]
    assert first.code == "INVALID_CATALOGUE_NUMBER"
    assert lines[first.line - 1].startswith("1005-00-")
    assert "must be" in first.message
    written = errors.read_text(encoding="utf-8").splitlines()
    assert len(written) == report.rejected + 1
    item = Item.objects.get(niin="000179540")
    assert (item.supply_class, item.name_text, item.bureau.key) == ("1005", "DETENT,PAWL", "US")
    management = ManagementData.objects.get(item=item)
    assert (management.unit_of_issue, str(management.price), management.currency_id) == (
        "EA",
        "0.80",
        "USD",
    )


@pytest.mark.django_db
def test_reimport_creates_nothing_new(tmp_path):
    path = write(
        tmp_path,
        "items.csv",
        "catalogue_number;item_name_code;name\n5310-57-000-0100;10101;Гайка\n5310-57-000-0101;10101;Гайка\n",
    )
    first = import_file("items", path, actor=SYSTEM_INIT)
    second = import_file("items", path, actor=SYSTEM_INIT)
    assert (first.created, second.created, second.skipped) == (2, 0, 2)
    assert Item.objects.filter(bureau_code="57").count() == 2


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_and_column(tmp_path):
    text = (
        "catalogue_number,item_name_code,status\n"
        "5310-57-000-0200,10101,0\n"
        "5310-57-000-02X1,10101,0\n"
        "0001-57-000-0202,10101,0\n"
        "5310-57-000-0203,99999,0\n"
        "5310-57-000-0204,10101,3\n"
        "5310-88-000-0205,10101,0\n"
        "5310-57-000-0200,10101,0\n"
    )
    report = import_file("items", write(tmp_path, "bad.csv", text), actor=SYSTEM_INIT)
    got = [(e.line, e.column, e.code) for e in report.errors]
    assert got == [
        (3, "catalogue_number", "INVALID_CATALOGUE_NUMBER"),
        (4, "supply_class", "UNKNOWN_SUPPLY_CLASS"),
        (5, "item_name_code", "UNKNOWN_ITEM_NAME"),
        (6, "status", "INVALID_STATUS"),
        (7, "catalogue_number", "BUREAU_CODE_UNKNOWN"),
        (8, "catalogue_number", "DUPLICATE_IN_FILE"),
    ]
    assert report.created == 1
    assert list(Item.objects.filter(bureau_code="57").values_list("niin", flat=True)) == [
        "570000200"
    ]


@pytest.mark.django_db
def test_windows_1251_file_with_semicolons(tmp_path):
    path = write(
        tmp_path, "cp.csv", "catalogue_number;name\n5310-57-000-0300;ГАЙКА М12\n", encoding="cp1251"
    )
    report = import_file("items", path, actor=SYSTEM_INIT)
    assert report.created == 1
    assert Item.objects.get(niin="570000300").name_text == "ГАЙКА М12"


@pytest.mark.django_db
def test_new_numbers_never_collide_with_imported_ones(tmp_path):
    import_file(
        "items",
        write(tmp_path, "i.csv", "catalogue_number\n5310-57-000-5000\n5310-57-000-0007\n"),
        actor=SYSTEM_INIT,
    )
    from tests.factories import make_item

    assert make_item("RU").serial == 5001


@pytest.mark.django_db
def test_dry_run_changes_nothing(tmp_path):
    report = import_file(
        "items",
        write(tmp_path, "d.csv", "catalogue_number\n5310-57-000-0400\n"),
        dry_run=True,
        actor=SYSTEM_INIT,
    )
    assert (report.created, report.dry_run) == (1, True)
    assert not Item.objects.filter(niin="570000400").exists()


@pytest.mark.django_db
def test_update_policy_changes_existing_rows(tmp_path):
    import_file(
        "items",
        write(tmp_path, "a.csv", "catalogue_number,name\n5310-57-000-0500,OLD\n"),
        actor=SYSTEM_INIT,
    )
    report = import_file(
        "items",
        write(tmp_path, "b.csv", "catalogue_number,name\n5310-57-000-0500,NEW\n"),
        policy=Policy.UPDATE,
        actor=SYSTEM_INIT,
    )
    assert report.updated == 1
    assert Item.objects.get(niin="570000500").name_text == "NEW"


@pytest.mark.django_db
def test_manufacturer_and_reference_import(tmp_path):
    mfrs = write(
        tmp_path,
        "m.csv",
        "code,name_ru,name_en,country\nA777F,Завод,Works,RU\nZ777F,Bad,Bad,RU\nA778F,Second,Second,XX\n",
    )
    report = import_file("manufacturers", mfrs, actor=SYSTEM_INIT)
    assert [(e.line, e.code) for e in report.errors] == [
        (3, "MANUFACTURER_CODE_PATTERN"),
        (4, "UNKNOWN_COUNTRY"),
    ]
    assert Manufacturer.objects.get(code="A777F").names == {"ru": "Завод", "en": "Works"}
    import_file(
        "items",
        write(tmp_path, "i.csv", "catalogue_number\n5310-57-000-0600\n5310-57-000-0601\n"),
        actor=SYSTEM_INIT,
    )
    refs = write(
        tmp_path, "r.csv",
        "catalogue_number,reference_number,manufacturer_code\n"
        "5310-57-000-0600,АВС-12,A777F\n"
        "5310-57-000-0601,abc12,A777F\n"
        "5310-57-000-0601,X-1,NOPE1\n"
        "5310-57-000-0699,X-2,A777F\n",
    )  # fmt: skip
    report = import_file("references", refs, actor=SYSTEM_INIT)
    assert [(e.line, e.code) for e in report.errors] == [
        (3, "REFERENCE_CONFLICT"), (4, "MANUFACTURER_NOT_FOUND"), (5, "ITEM_NOT_FOUND"),
    ]  # fmt: skip
    assert Reference.objects.get(number="АВС-12").key == "ABC12"
    again = import_file("references", refs, actor=SYSTEM_INIT)
    assert (again.created, again.skipped) == (0, 1)


@pytest.mark.django_db
def test_items_validated_ahead_keep_line_order_language_and_counts(tmp_path):
    """Items are read and validated in a second thread, one batch ahead of the writing: each
    batch must still carry its own rejections, in the reader's language."""
    rows = [f"5310-57-000-{n:04d},10101,0" for n in range(300, 330)]
    rows[4] = "5310-57-000-03X4,10101,0"
    rows[17] = rows[3]  # a duplicate three batches later
    path = write(
        tmp_path, "ahead.csv", "catalogue_number,item_name_code,status\n" + "\n".join(rows) + "\n"
    )
    errors = tmp_path / "errors.csv"
    with translation.override("ru"):
        report = import_file("items", path, batch_size=4, error_file=errors, actor=SYSTEM_INIT)
    assert [(e.line, e.code) for e in report.errors] == [
        (6, "INVALID_CATALOGUE_NUMBER"),
        (19, "DUPLICATE_IN_FILE"),
    ]
    assert "строке 5" in report.errors[1].message
    assert (report.created, report.rejected, Item.objects.filter(bureau_code="57").count()) == (
        28,
        2,
        28,
    )
    assert [line.split(",")[0] for line in errors.read_text(encoding="utf-8").splitlines()[1:]] == [
        "6",
        "19",
    ]


def test_read_ahead_hands_over_the_producers_failure_and_stops_it():
    from katalog.transfer.importers.driver import read_ahead

    produced = []

    def failing():
        yield 1
        yield 2
        raise ValueError("broken row source")

    with pytest.raises(ValueError, match="broken row source"):
        list(read_ahead(failing()))

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    taken = []
    for value in read_ahead(endless()):
        taken.append(value)
        if value == 2:
            break
    assert taken == [0, 1, 2]
    assert len(produced) <= 5  # one in hand, one waiting, one being made when stopped


@pytest.mark.django_db
def test_a_failed_write_stops_the_read_ahead_thread(tmp_path, monkeypatch):
    import threading

    from katalog.transfer.importers.items import ItemImporter

    def broken_write(self, records, sink, report):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ItemImporter, "write", broken_write)
    rows = "\n".join(f"5310-57-000-{n:04d},10101,0" for n in range(400, 440))
    path = write(tmp_path, "many.csv", "catalogue_number,item_name_code,status\n" + rows + "\n")
    with pytest.raises(RuntimeError, match="disk full") as caught:
        import_file("items", path, batch_size=4, actor=SYSTEM_INIT)
    # The traceback still holds the import's frame, and with it the read-ahead generator.
    assert caught.value.__traceback__ is not None
    assert [t for t in threading.enumerate() if t.name == "import-read-ahead"] == []
