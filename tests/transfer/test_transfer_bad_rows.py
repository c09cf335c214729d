"""One bad row costs that row only: an unknown code, a huge cell, a deeply nested or nested
JSON line and bytes that are not UTF-8 in a JSON Lines row are each reported with their line,
and the other rows load."""

from __future__ import annotations

import pytest

from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.transfer.importers.kinds import import_file

HEADER = "catalogue_number,item_name_code,name,price,currency,unit_of_issue,status\n"


def loaded(*serials: str) -> set[str]:
    return set(
        Item.objects.filter(niin__in=[f"5700{s}" for s in serials]).values_list("niin", flat=True)
    )


@pytest.mark.django_db
def test_unknown_codes_and_a_huge_cell_reject_their_rows_only(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(
        HEADER
        + "5310-57-000-7201,10101,A,1,ZZZ,EA,0\n"
        + "5310-57-000-7202,10101,B,1,RUB,QQQQ,0\n"
        + "5310-57-000-7203,10101,C,1,RUB,EA,Q\n"
        + "5310-57-000-7204,10101," + "x" * (10 * 1024 * 1024) + ",1,RUB,EA,0\n"
        + "5310-57-000-7205,10101,E,1,RUB,EA,0\n",
        encoding="utf-8",
    )  # fmt: skip
    report = import_file("items", path, actor=SYSTEM_INIT)
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (2, "currency", "UNKNOWN_CURRENCY"),
        (3, "unit_of_issue", "UNKNOWN_UNIT_OF_ISSUE"),
        (4, "status", "INVALID_STATUS"),
        (5, "", "INVALID_ROW"),
    ]
    assert "100000" in report.errors[3].message
    assert (report.created, report.rejected) == (1, 4)
    assert loaded("07201", "07202", "07203", "07204", "07205") == {"570007205"}


@pytest.mark.django_db
def test_json_lines_bad_rows_reject_their_rows_only(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_bytes(
        b'{"catalogue_number":"5310-57-000-7301","item_name_code":"10101","name":"A"}\n'
        b'{"catalogue_number":"5310-57-000-7302","item_name_code":"10101","name":"\xff\xfeB"}\n'
        + b"[" * 200_000
        + b"]" * 200_000
        + b"\n"
        b'{"catalogue_number":"5310-57-000-7304","item_name_code":"10101","name":{"a":[1]}}\n'
        b'{"catalogue_number":"5310-57-000-7305","item_name_code":"10101","name":"'
        + b"y"
        * (10 * 1024 * 1024)
        + b'"}\n'
        b'{"catalogue_number":"5310-57-000-7306","item_name_code":"10101","name":"F"}\n'
    )
    report = import_file("items", path, actor=SYSTEM_INIT)
    assert [(e.line, e.code) for e in report.errors] == [(n, "INVALID_ROW") for n in (2, 3, 4, 5)]
    assert "utf-8" in report.errors[0].message
    assert (report.created, report.rejected) == (2, 4)
    assert loaded("07301", "07306") == {"570007301", "570007306"}
