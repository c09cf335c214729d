"""Mistyped part numbers: keys of letters only, clusters of equally near keys, the order of near
keys, and words that must stay words; answered through the tantivy index and through the
database path it falls back to, which must agree."""

from __future__ import annotations

import random
import string
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from katalog.catalog import services
from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.search import tantivy_index
from katalog.search.selectors import SearchQuery, search
from tests.factories import make_item


def _add_reference(catalogue, number: str, maker: str = "A001F", name: str = "10101") -> Item:
    item = make_item("RU", "5310", name)
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=catalogue.makers[maker], number=number
    )
    return item


def _answer_by(path: str) -> None:
    """The index answers when it was built after the items were added; else the database."""
    if path == "index":
        call_command("reindex", stdout=StringIO())
        assert tantivy_index.state() == tantivy_index.IndexState.CURRENT


def _hits(q: str, limit: int = 10) -> list[dict]:
    return search(SearchQuery(q=q, limit=limit), lang="en", reader=SYSTEM_INIT).hits


def _niins(q: str, limit: int = 10) -> list[str]:
    return [hit["niin"] for hit in _hits(q, limit)]


PATHS = pytest.mark.parametrize("path", ["database", "index"])


@PATHS
@pytest.mark.parametrize("typed", ["XJ-FARVPZ", "XJ-FARUPS", "xjfarvpz", "XK-FARVPS"])
def test_a_letters_only_part_number_with_one_typo_finds_its_item(catalogue, path, typed):
    wanted = _add_reference(catalogue, "XJ-FARVPS")
    _add_reference(catalogue, "XJ-KLMNOP")  # same beginning, too far off
    _answer_by(path)
    hits = _hits(typed)
    assert [hit["niin"] for hit in hits] == [wanted.niin]
    assert hits[0]["matched_by"] == "reference_fuzzy"


@PATHS
def test_every_key_one_edit_away_has_an_item_in_the_first_ten(catalogue, path):
    """ISO 4032 M3 … M8 are all one edit from M7: equally plausible, each shows an item on the
    first page although every key is held by three items (15 matches)."""
    by_key: dict[str, set[str]] = {}
    for size in ("M3", "M4", "M5", "M6", "M8"):
        for maker in ("A001F", "A002F", "K0001"):
            item = _add_reference(catalogue, f"ISO 4032 {size}", maker)
            by_key.setdefault(f"ISO4032{size}", set()).add(item.niin)
    _answer_by(path)
    first = _niins("ISO 4032 M7")
    assert len(first) == 10
    assert {key for key, niins in by_key.items() if niins & set(first[:5])} == set(by_key)
    everything = _niins("ISO 4032 M7", limit=50)
    assert sorted(everything) == sorted(n for niins in by_key.values() for n in niins)


@PATHS
def test_near_keys_of_the_query_length_and_kind_come_first(catalogue, path):
    """Among keys one edit from KT45678: a digit mistyped for a digit, then for a letter, then
    a character left out or added; the order is the same on both paths and every time."""
    added = _add_reference(catalogue, "KT-49-5678")  # one digit added
    letter = _add_reference(catalogue, "KT-4567B")
    digit = _add_reference(catalogue, "KT-45679")
    _answer_by(path)
    order = _niins("KT45678")
    assert order == [digit.niin, letter.niin, added.niin]
    assert _niins("KT45678") == order


def test_both_paths_give_one_order(catalogue):
    for size in ("M3", "M4", "M5", "M6", "M8"):
        for maker in ("A001F", "A002F"):
            _add_reference(catalogue, f"DIN 934 {size}", maker)
    from_database = _niins("DIN 934 M7", limit=50)
    _answer_by("index")
    assert _niins("DIN 934 M7", limit=50) == from_database
    assert len(from_database) == 10


@PATHS
@pytest.mark.parametrize(
    ("q", "near"),
    [
        ("hexagon", "HEXAGOM"),  # a word of item names: the names, not the reference
        ("bolz", "BOLTS-A"),  # a short word typo finds no reference
        ("ZXQWV", "ZXQ-MV"),  # letters only, too short for a mistyped number
    ],
)
def test_words_do_not_turn_into_reference_matches(catalogue, path, q, near):
    # Bearings: their names hold none of the words asked.
    noise = _add_reference(catalogue, near, name="20101")
    _add_reference(catalogue, "HEXAGUN", name="20101")
    _answer_by(path)
    page = search(SearchQuery(q=q, limit=50), lang="en", reader=SYSTEM_INIT)
    assert noise.niin not in [hit["niin"] for hit in page.hits]
    assert "reference_fuzzy" not in page.interpretation["readings"]
    assert all(hit["matched_by"] == "text" for hit in page.hits)


# Keys long enough to be read as mistyped: eight characters, letters only or with digits.
_RANDOM = random.Random(16)
KEYS = [
    "".join(_RANDOM.choice(pool) for _ in range(8))
    for pool in [string.ascii_uppercase] * 12 + [string.ascii_uppercase + string.digits] * 12
]


@pytest.fixture(params=["database", "index"])
def keyed(request, catalogue) -> dict[str, str]:
    """Items with one of `KEYS` each (written with a separator), answered by the path asked."""
    niins = {key: _add_reference(catalogue, f"{key[:3]}-{key[3:]}").niin for key in KEYS}
    _answer_by(request.param)
    return niins


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(KEYS),
    st.integers(min_value=0, max_value=7),
    st.sampled_from(string.ascii_uppercase + string.digits),
    st.sampled_from(["", "-", "."]),
)
def test_any_long_key_with_one_character_replaced_finds_its_item(
    keyed, key, at, replacement, separator
):
    typed = key[:at] + replacement + key[at + 1 :]
    assume(typed not in KEYS)  # no typo, or another item's number: found exactly
    assert keyed[key] in _niins(typed[:4] + separator + typed[4:])
