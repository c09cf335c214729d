"""Search through the tantivy index keeps one searcher per process, reopened when any process
commits to the index; index matches are checked against the database a batch at a time, so a
restricted item never shows or counts."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from katalog.search import selectors, tantivy_index
from katalog.search.selectors import SearchQuery, search
from tests.factories import make_item

pytestmark = pytest.mark.django_db

HIDDEN_CLASS = "5340"


def _hidden_nuts(count: int) -> set[str]:
    """Restricted items named «гайка» in a class of their own, seen in full only by RU."""
    items = [
        make_item("RU", HIDDEN_CLASS, "10101", release="restricted", status="4")
        for _ in range(count)
    ]
    return {item.catalogue_number for item in items}


def _all_pages(q: str, *, reader, limit: int) -> list[str]:
    numbers: list[str] = []
    after = None
    while True:
        page = search(SearchQuery(q=q, limit=limit, after=after), lang="en", reader=reader)
        numbers += [hit["catalogue_number"] for hit in page.hits]
        after = page.next_cursor
        if after is None:
            return numbers


def test_a_restricted_item_never_shows_through_the_index_nor_counts(catalogue, monkeypatch):
    hidden = _hidden_nuts(5)
    by_database = search(SearchQuery(q="гайка"), lang="en", reader=None)
    pages_by_database = _all_pages("гайка", reader=None, limit=1)
    call_command("reindex", stdout=StringIO())
    # Few ids checked at a time: the reader sees none of the restricted matches, so a page
    # takes several rounds of checks.
    monkeypatch.setattr(selectors, "SCORED_BATCH", 1)
    by_index = search(SearchQuery(q="гайка"), lang="en", reader=None)
    assert by_index.index == "current"
    shown = {hit["catalogue_number"] for hit in by_index.hits}
    assert shown
    assert not shown & hidden
    assert shown == {hit["catalogue_number"] for hit in by_database.hits}
    assert by_index.total == by_database.total == len(shown)
    assert by_index.facets == by_database.facets
    assert HIDDEN_CLASS not in {row["value"] for row in by_index.facets["class"]}
    assert "4" not in {row["value"] for row in by_index.facets["status"]}
    pages_by_index = _all_pages("гайка", reader=None, limit=1)
    assert pages_by_index == pages_by_database
    assert set(pages_by_index) == shown


def test_the_system_reader_sees_the_restricted_items_through_the_index(catalogue, monkeypatch):
    from katalog.core.actors import SYSTEM_INIT

    hidden = _hidden_nuts(3)
    call_command("reindex", stdout=StringIO())
    monkeypatch.setattr(selectors, "SCORED_BATCH", 1)
    page = search(SearchQuery(q="гайка"), lang="en", reader=SYSTEM_INIT)
    assert hidden <= {hit["catalogue_number"] for hit in page.hits}
    classes = {row["value"]: row["count"] for row in page.facets["class"]}
    assert classes[HIDDEN_CLASS] == len(hidden)


def _foreign_document(path: Path, pk: int, word: str) -> None:
    """A commit to the index by another process (its own index object and writer)."""
    import tantivy

    index = tantivy.Index(tantivy_index.SCHEMA, path=str(path))
    writer = index.writer(15_000_000, 1)
    writer.add_document(tantivy.Document(id=pk, words=word, stems=word))
    writer.commit()
    writer.wait_merging_threads()


def test_one_searcher_is_reused_until_another_process_commits(catalogue):
    call_command("reindex", stdout=StringIO())
    first = tantivy_index._searcher()
    assert first is not None
    assert tantivy_index._searcher() is first
    assert tantivy_index.text_matches([["zyxwvut"]], 10) == ({}, 0)
    _foreign_document(tantivy_index.index_dir(), 987_654, "zyxwvut")
    assert tantivy_index._searcher() is not first
    scores, count = tantivy_index.text_matches([["zyxwvut"]], 10)
    assert (set(scores), count) == ({987_654}, 1)


def test_an_index_rebuilt_by_another_process_is_opened_afresh(catalogue):
    call_command("reindex", stdout=StringIO())
    assert tantivy_index.text_matches([["гайка"]], 50)[1] > 0
    target = tantivy_index.index_dir()
    other = target.with_name(target.name + ".other")
    other.mkdir()
    _foreign_document(other, 123_456, "qwertyuiop")
    # As `rebuild` puts its new directory in place, in a process other than this one.
    os.rename(target, target.with_name(target.name + ".previous"))
    os.rename(other, target)
    scores, count = tantivy_index.text_matches([["qwertyuiop"]], 10)
    assert (set(scores), count) == ({123_456}, 1)
    assert tantivy_index.text_matches([["гайка"]], 50) == ({}, 0)
