"""Keyset paging: every page walk gives the same items as one big page, without duplicates or
gaps."""

from __future__ import annotations

import dataclasses

import pytest

from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import ValidationFailed
from katalog.search.selectors import SearchQuery, search, search_item_ids


def _walk(query: SearchQuery) -> list[str]:
    numbers, after, pages = [], None, 0
    while True:
        page = search(dataclasses.replace(query, after=after), lang="en", reader=SYSTEM_INIT)
        numbers += [hit["catalogue_number"] for hit in page.hits]
        pages += 1
        after = page.next_cursor
        if after is None:
            return numbers
        assert pages < 50, "paging does not end"


QUERIES = ["", "гайка", "A001F", "ABC", "MS21042L9", "nut 5310"]
SORTS = ["relevance", "number", "-number", "class", "-status"]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", SORTS)
def test_search_page_walk_equals_one_page(catalogue, sort):
    for q in QUERIES:
        whole = search(SearchQuery(q=q, sort=sort, limit=200), lang="en", reader=SYSTEM_INIT)
        expected = [hit["catalogue_number"] for hit in whole.hits]
        assert whole.next_cursor is None
        for limit in (1, 2, 3):
            walked = _walk(SearchQuery(q=q, sort=sort, limit=limit))
            assert walked == expected, (q, limit)
        assert len(expected) == len(set(expected))


@pytest.mark.django_db
def test_search_sorted_pages_follow_the_column(catalogue):
    numbers = _walk(SearchQuery(sort="-number", limit=2))
    niins = [n[5:] for n in numbers]
    assert niins == sorted(niins, reverse=True)
    assert len(numbers) == len(catalogue.items)


@pytest.mark.django_db
def test_search_item_ids_stream_all_matches_in_result_order(catalogue):
    from katalog.catalog.models import Item

    for q, sort in [("гайка", "relevance"), ("", "-number"), ("A001F", "relevance")]:
        page = search(SearchQuery(q=q, sort=sort, limit=200), lang="en", reader=SYSTEM_INIT)
        expected = [Item.objects.get(niin=hit["niin"]).pk for hit in page.hits]
        assert (
            list(search_item_ids(SearchQuery(q=q, sort=sort, limit=1), reader=SYSTEM_INIT))
            == expected
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor",
    ["garbage", "eyJvIjoibnVtYmVyIiwidiI6IjEiLCJpIjoxfQ", "eyJvIjogInJlbGV2YW5jZSIsICJpIjogMX0"],
)
def test_search_foreign_cursor_is_refused(catalogue, cursor):
    # The second cursor belongs to a search sorted by number; the third lacks its tier and score.
    with pytest.raises(ValidationFailed) as raised:
        search(SearchQuery(q="гайка", after=cursor), lang="en", reader=SYSTEM_INIT)
    assert raised.value.code == "INVALID_CURSOR"


@pytest.mark.django_db
@pytest.mark.parametrize("window", [1, 2, 3])
def test_search_words_beyond_the_ranking_window_follow_in_id_order(catalogue, monkeypatch, window):
    from katalog.catalog.models import Item
    from katalog.search import selectors

    ranked_all = [
        hit["niin"]
        for hit in search(SearchQuery(q="гайка", limit=200), lang="en", reader=SYSTEM_INIT).hits
    ]
    monkeypatch.setattr(selectors, "RANK_WINDOW", window)
    walked = _walk(SearchQuery(q="гайка", limit=2))
    by_id = sorted(ranked_all, key=lambda niin: Item.objects.get(niin=niin).pk)
    window_ids = by_id[:window]
    # The window is ranked as the whole set would rank it; the rest follows by id.
    assert walked[:window] == [
        c for c in _numbers(ranked_all) if c[5:].replace("-", "") in window_ids
    ]
    assert [c[5:].replace("-", "") for c in walked[window:]] == by_id[window:]


def _numbers(niins: list[str]) -> list[str]:
    from katalog.catalog.models import Item

    return [Item.objects.get(niin=n).catalogue_number for n in niins]
