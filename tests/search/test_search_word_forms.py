"""Word forms on the database backends: a plural or another case finds the word."""

from __future__ import annotations

import pytest

from katalog.core.actors import SYSTEM_INIT
from katalog.search import tantivy_index
from katalog.search.selectors import SearchQuery, search
from katalog.search.stemming import stem

pytestmark = pytest.mark.django_db


def _numbers(q: str) -> list[str]:
    page = search(SearchQuery(q=q, limit=50), lang="en", reader=SYSTEM_INIT)
    return [hit["catalogue_number"] for hit in page.hits]


def test_stems_of_the_languages_snowball_has():
    assert stem("насосы") == stem("насос") == "насос"
    assert stem("гайки") == stem("гайка")
    assert stem("bearings") == stem("bearing")
    assert stem("ընկույզներ") == stem("ընկույզ")
    assert stem("m10") == "m10"  # not a word: left alone


@pytest.mark.parametrize(("plural", "singular"), [("гайки", "гайка"), ("nuts", "nut")])
def test_plural_finds_what_the_singular_finds(catalogue, plural, singular):
    assert not tantivy_index.present()
    found = _numbers(singular)
    assert found
    assert _numbers(plural) == found


def test_another_case_finds_the_item(catalogue):
    # «клапана» (genitive) for the item named «КЛАПАН ГИДРАВЛИЧЕСКИЙ ОБРАТНЫЙ».
    assert catalogue["valve"].catalogue_number in _numbers("клапана обратного")
