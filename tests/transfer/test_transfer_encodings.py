"""A text file's encoding is detected honestly (BOMs, UTF-16, strict UTF-8, then Windows-1251
only when the bytes read as Russian text) or said with `encoding`; a binary file is refused
with one message."""

from __future__ import annotations

import pytest

from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import ValidationFailed
from katalog.transfer.importers.kinds import import_file

TEXT = "catalogue_number,item_name_code,name\n5310-57-000-7101,10101,{name}\n"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_load_every_row(tmp_path, encoding):
    path = tmp_path / "items.csv"
    path.write_bytes(TEXT.format(name="ГАЙКА М12").encode(encoding))
    report = import_file("items", path, actor=SYSTEM_INIT)
    assert (report.total, report.created, report.rejected) == (1, 1, 0)
    assert Item.objects.get(niin="570007101").name_text == "ГАЙКА М12"


@pytest.mark.django_db
def test_latin1_is_not_read_as_windows_1251(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes(TEXT.format(name="GRÖßE").encode("latin-1"))
    with pytest.raises(ValidationFailed) as refused:
        import_file("items", path, actor=SYSTEM_INIT)
    assert refused.value.code == "UNKNOWN_ENCODING"
    assert not Item.objects.filter(niin="570007101").exists()


@pytest.mark.django_db
def test_a_declared_encoding_is_used(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes(TEXT.format(name="GRÖßE").encode("latin-1"))
    report = import_file("items", path, actor=SYSTEM_INIT, encoding="latin-1")
    assert report.created == 1
    assert Item.objects.get(niin="570007101").name_text == "GRÖßE"


@pytest.mark.django_db
def test_an_unknown_declared_encoding_is_refused(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(TEXT.format(name="NUT"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        import_file("items", path, actor=SYSTEM_INIT, encoding="no-such-encoding")
    assert refused.value.code == "UNKNOWN_ENCODING"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("items.csv", bytes(range(256)) * 64),
        ("items.jsonl", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8),
        ("items.csv", b"PK\x03\x04" + b"\x00" * 200),
    ],
)
def test_a_binary_file_is_refused_with_one_message(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationFailed) as refused:
        import_file("items", path, actor=SYSTEM_INIT)
    assert refused.value.code == "NOT_TEXT"
