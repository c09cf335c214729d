"""An import refuses a value by the catalogue's own rule: a row error carries the same code and
message as the single write's refusal of that value, with the row's line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from katalog.catalog.models import Reference
from katalog.catalog.services import checks
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import ValidationFailed
from katalog.transfer.importers.kinds import import_file


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(rule, *args) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        rule(*args)
    return caught.value.code, caught.value.message


def row_errors(report) -> list[tuple[int, str, str, str]]:
    return [(e.line, e.column, e.code, e.message) for e in report.errors]


@pytest.mark.django_db
def test_reference_numbers_are_checked_by_the_catalogues_rule(tmp_path):
    mfrs = "code,name_en,country\nA779F,Works,RU\n"
    import_file("manufacturers", write(tmp_path, "m.csv", mfrs), actor=SYSTEM_INIT)
    items = "catalogue_number\n5310-57-000-0610\n"
    import_file("items", write(tmp_path, "i.csv", items), actor=SYSTEM_INIT)
    long_number = "A" * (checks.REFERENCE_MAX_LENGTH + 1)
    refs = (
        "catalogue_number,reference_number,manufacturer_code\n"
        "5310-57-000-0610,--//--,A779F\n"
        f"5310-57-000-0610,{long_number},A779F\n"
        "5310-57-000-0610,AB-7,A779F\n"
    )
    report = import_file("references", write(tmp_path, "r.csv", refs), actor=SYSTEM_INIT)
    assert row_errors(report) == [
        (2, "reference_number", *refusal(checks.reference_number, "--//--")),
        (3, "reference_number", *refusal(checks.reference_number, long_number)),
    ]
    assert [e.code for e in report.errors] == ["REFERENCE_EMPTY", "REFERENCE_TOO_LONG"]
    reference = Reference.objects.get()
    assert (reference.number, reference.category, reference.variation) == ("AB-7", "3", "2")
    assert reference.document_availability == "9"


@pytest.mark.django_db
def test_an_unknown_country_is_refused_as_by_the_single_write(tmp_path):
    mfrs = "code,name_en,country\nA780F,Works,XX\n"
    report = import_file("manufacturers", write(tmp_path, "m.csv", mfrs), actor=SYSTEM_INIT)
    assert row_errors(report) == [(2, "country", *refusal(checks.country, "XX", {"RU"}))]
    assert report.errors[0].code == "UNKNOWN_COUNTRY"
