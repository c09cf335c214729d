"""Reference cells as parts lists write them, and Cyrillic numbers typed in Latin."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from katalog.catalog.models import Manufacturer
from katalog.core.actors import SYSTEM_INIT
from katalog.screening.cells import parse_reference_cell
from katalog.screening.keys import translit_key
from katalog.screening.services import (
    ReferenceInput,
    ScreeningInput,
    screen,
    screening_keys_backfill,
)
from tests.factories import ManufacturerFactory
from tests.screening.conftest import add_item

PREFIXED = [
    ("P/N HX9-M8-69", "HX9-M8-69"),
    ("p/n: HX9-M8-69", "HX9-M8-69"),
    ("PN HX9-M8-69", "HX9-M8-69"),
    ("PN#HX9-M8-69", "HX9-M8-69"),
    ("Part No. HX9-M8-69", "HX9-M8-69"),
    ("Part number: HX9-M8-69", "HX9-M8-69"),
    ("Обозначение: УШГИ.235412.034", "УШГИ.235412.034"),
    ("обозначение УШГИ.235412.034", "УШГИ.235412.034"),
    ("Черт. УШГИ.235412.034", "УШГИ.235412.034"),
    ("Чертёж № УШГИ.235412.034", "УШГИ.235412.034"),
    ("№ УШГИ.235412.034", "УШГИ.235412.034"),
    ("№УШГИ.235412.034", "УШГИ.235412.034"),
    ("Белгілеу: УШГИ.235412.034", "УШГИ.235412.034"),
    ("Belgilanish: USHGI.235412.034", "USHGI.235412.034"),
    ("Пазначэнне УШГИ.235412.034", "УШГИ.235412.034"),
    ("Նշագիր: HX9-M8-69", "HX9-M8-69"),
    ("Ref. No. HX9-M8-69", "HX9-M8-69"),
    ("Dwg. No. УШГИ.235412.034", "УШГИ.235412.034"),
    ("Part No. № HX9-M8-69", "HX9-M8-69"),
    ("Арт. PR-XRTZXP", "PR-XRTZXP"),  # a catalogue number without a digit
    ("P/N SUCRPVCN", "SUCRPVCN"),
    ("Ref. No. PR-XRTZXP", "PR-XRTZXP"),
]


@pytest.mark.parametrize(("cell", "number"), PREFIXED)
def test_screening_cell_prefixes_are_taken_off(cell: str, number: str) -> None:
    parsed = parse_reference_cell(cell)
    assert parsed.number == number
    assert parsed.raw == cell


@pytest.mark.parametrize(
    "cell",
    [
        "PN-1234-01",
        "NO5-12",
        "PN2000",
        "ЧЕРТ-12",
        "HX9-M8-69",
        "АБВГ.123456.001-02",
        "No such part",
        "PN ABC",
        "No such",
    ],
)
def test_screening_cell_without_a_prefix_is_kept_whole(cell: str) -> None:
    assert parse_reference_cell(cell).number == cell


def test_screening_cell_typography_and_footnotes_fold() -> None:
    assert parse_reference_cell("HX9\u2013M8\u201169\u00b9").number == "HX9-M8-69"
    assert parse_reference_cell("HX9\u00a0M8\u202f69*").number == "HX9 M8 69"
    assert parse_reference_cell("\u200bHX9-M8-69\u2020").number == "HX9-M8-69"


def test_screening_cell_manufacturer_in_the_same_cell() -> None:
    assert parse_reference_cell("P/N HX9-M8-69 (AHX9F)").manufacturer == "AHX9F"
    parsed = parse_reference_cell("HX9-M8-69 mfr: AHX9F")
    assert (parsed.number, parsed.manufacturer) == ("HX9-M8-69", "AHX9F")
    assert parse_reference_cell("HX9-M8-69 [Самарский завод]").manufacturer == "Самарский завод"
    parsed = parse_reference_cell("SUCRPVCN (WQE0E)")  # a number without a digit
    assert (parsed.number, parsed.manufacturer) == ("SUCRPVCN", "WQE0E")
    parsed = parse_reference_cell("RD-AGUOON изг. TY1ZQ")
    assert (parsed.number, parsed.manufacturer) == ("RD-AGUOON", "TY1ZQ")
    parsed = parse_reference_cell("RU-ZYOBMQ / CAGE KR1IQ")
    assert (parsed.number, parsed.manufacturer) == ("RU-ZYOBMQ", "KR1IQ")
    parsed = parse_reference_cell("P/N: SUCRPVCN** (WQE0E)")
    assert (parsed.number, parsed.manufacturer) == ("SUCRPVCN", "WQE0E")
    parsed = parse_reference_cell("Пазначэнне:\u00a0EWZRGHCL\u2020 / CAGE A99BF")
    assert (parsed.number, parsed.manufacturer) == ("EWZRGHCL", "A99BF")
    assert parse_reference_cell("Bolt (M10)").manufacturer == ""


@given(
    st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=1, max_size=4),
    st.sampled_from(["P/N ", "PN ", "Part No. ", "Обозначение: ", "Черт. ", "№ ", ""]),
    st.sampled_from(["-", "\u2013", "\u2212", "."]),
)
def test_screening_cell_never_changes_digits_or_joins_groups(groups, prefix, dash) -> None:
    cell = prefix + "AB" + dash + dash.join(groups)
    number = parse_reference_cell(cell).number
    separator = "." if dash == "." else "-"
    assert number == "AB" + separator + separator.join(groups)
    assert "".join(ch for ch in number if ch.isdigit()) == "".join(groups)


@pytest.mark.parametrize(
    "latin",
    [
        "USHGI.235412.034",  # GOST 7.79, ICAO and BGN agree on Ш
        "UShGI-235412-034",
        "ushgi 235412 034",
    ],
)
def test_screening_transliteration_systems_meet(latin: str) -> None:
    assert translit_key(latin) == translit_key("УШГИ.235412.034")


@pytest.mark.parametrize(
    ("cyrillic", "spellings"),
    [
        ("ХЦЩ-1", ["XCZSHH-1", "KHTSSHCH-1", "HCSCH-1"]),  # GOST 7.79, ICAO/BGN, informal
        ("ЮЯЙ-1", ["YUYAJ-1", "IUIAI-1", "YUYAY-1", "JUJAJ-1"]),
        ("ЖЧ-1", ["ZHCH-1"]),
    ],
)
def test_screening_transliteration_of_each_system(cyrillic: str, spellings: list[str]) -> None:
    for latin in spellings:
        assert translit_key(latin) == translit_key(cyrillic), latin


def test_screening_transliteration_keeps_digits_and_suffixes_apart() -> None:
    assert translit_key("УШГИ.235412.034-01") != translit_key("USHGI.235412.034-02")
    assert translit_key("УШГИ.235412.034") != translit_key("USHGI.2354.12034")
    assert translit_key("УШГИ.235412.034") != translit_key("USHGI.235412.035")


@pytest.fixture
def parts(db):
    maker = ManufacturerFactory(
        code="AHX9F", names={"en": "Samara Fastener Works", "ru": "Самарский завод крепежа"}
    )
    other = ManufacturerFactory(code="B100F", names={"en": "Tula Hardware"})
    hx = add_item(maker, "HX9-M8-69")
    ushgi = add_item(maker, "УШГИ.235412.034")
    sibling = add_item(maker, "УШГИ.235412.034-01")
    screening_keys_backfill()
    return maker, other, hx, ushgi, sibling


def top_of(number: str, maker: str = "", name: str = ""):
    query = ScreeningInput(references=(ReferenceInput(number, maker, name),))
    return screen(query, reader=SYSTEM_INIT)


def test_screening_prefixed_cell_finds_the_item(parts) -> None:
    _maker, _other, hx, _ushgi, _sibling = parts
    result = top_of("P/N HX9-M8-69", "AHX9F")
    assert result.candidates[0].item_id == hx.pk
    assert result.verdict == "duplicate"
    evidence = result.candidates[0].evidence[0]
    assert evidence.data["cell"] == "P/N HX9-M8-69"
    assert evidence.data["number"] == "HX9-M8-69"


def test_screening_manufacturer_inside_the_cell(parts) -> None:
    _maker, _other, hx, _ushgi, _sibling = parts
    result = top_of("P/N HX9-M8-69 (AHX9F)")
    assert result.candidates[0].item_id == hx.pk
    assert result.verdict == "duplicate"


def test_screening_latin_typed_cyrillic_number_of_the_same_maker_is_a_duplicate(parts) -> None:
    _maker, _other, _hx, ushgi, sibling = parts
    result = top_of("USHGI.235412.034", "AHX9F")
    assert result.candidates[0].item_id == ushgi.pk
    assert result.verdict == "duplicate"
    assert sibling.pk not in [c.item_id for c in result.candidates]
    assert top_of("KHUSHGI.235412.034", "AHX9F").candidates == []


def test_screening_latin_typed_cyrillic_number_of_another_maker_is_weaker(parts) -> None:
    _maker, _other, _hx, ushgi, _sibling = parts
    same = top_of("USHGI.235412.034", "AHX9F").candidates[0]
    other = top_of("USHGI.235412.034", "B100F").candidates[0]
    assert other.item_id == ushgi.pk
    assert other.score < same.score
    assert other.verdict != "duplicate"


@pytest.mark.parametrize(
    "name", ["Самарский завод крепежа", "samarskiy zavod krepezha", "SAMARA FASTENER WORKS"]
)
def test_screening_manufacturer_by_name_across_scripts(parts, name: str) -> None:
    _maker, _other, hx, _ushgi, _sibling = parts
    result = top_of("HX9-M8-69", name=name)
    top = result.candidates[0]
    assert top.item_id == hx.pk
    assert top.verdict == "duplicate"
    assert top.evidence[0].data["manufacturer_by_name"] is True
    assert top.evidence[0].data["manufacturer_name"] == name
    assert Manufacturer.objects.get(code="AHX9F").names["en"] in top.evidence[0].detail or (
        "AHX9F" in top.evidence[0].detail
    )


def test_screening_manufacturer_name_in_the_code_column(parts) -> None:
    _maker, _other, hx, _ushgi, _sibling = parts
    result = top_of("HX9-M8-69", "Самарский завод крепежа")
    assert result.candidates[0].item_id == hx.pk
    assert result.verdict == "duplicate"
