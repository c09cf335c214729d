"""The search index follows the change log by its position: a change another process made is
applied by the worker's round, a round cut short is applied again without harm, and while the
index is behind, search says so and answers from the database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from katalog.audit.selectors import last_seq
from katalog.catalog import services
from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.search import tantivy_index
from katalog.search.selectors import SearchQuery, search

State = tantivy_index.IndexState


def _search(q: str):
    return search(SearchQuery(q=q), lang="en", reader=SYSTEM_INIT)


def _add_reference(catalogue, number: str) -> None:
    services.reference_add(
        actor=SYSTEM_INIT,
        item=catalogue["washer"],
        manufacturer=catalogue.makers["A001F"],
        number=number,
    )


@pytest.fixture
def elsewhere(monkeypatch):
    """Changes made as by another process: its commit does not catch the index up here."""
    monkeypatch.setattr(tantivy_index, "ON_COMMIT_ENTRIES", 0)


def test_a_change_made_elsewhere_waits_for_the_workers_round(
    transactional_db, catalogue, elsewhere
):
    call_command("reindex", stdout=StringIO())
    _add_reference(catalogue, "QW-5550-1")
    assert tantivy_index.state() == State.BEHIND
    assert tantivy_index.fuzzy_candidates("QW55501", 0, 10) == []
    behind = _search("QW-5550-1")
    assert behind.index == "behind"
    assert [h["niin"] for h in behind.hits] == [catalogue["washer"].niin]  # from the database
    assert tantivy_index.follow_log() == 1
    assert tantivy_index.state() == State.CURRENT
    assert tantivy_index.position() == last_seq()
    assert (catalogue["washer"].pk, "QW55501") in tantivy_index.fuzzy_candidates("QW55501", 0, 10)
    assert _search("QW-5550-1").index == "current"


def test_a_round_cut_short_is_applied_again_and_the_index_agrees_with_the_database(
    transactional_db, catalogue, elsewhere
):
    call_command("reindex", stdout=StringIO())
    built_at = tantivy_index.position()
    _add_reference(catalogue, "QW-5550-2")
    _add_reference(catalogue, "QW-5550-3")
    tantivy_index.catch_up()
    # A worker killed after writing the index but before moving its position:
    tantivy_index._position_write(built_at)
    assert tantivy_index.catch_up() == 2
    found = tantivy_index.text_matches([["гайка"]], 1_000)
    assert found is not None
    nuts = set(Item.objects.filter(search_text__contains="гайка").values_list("id", flat=True))
    assert set(found[0]) == nuts  # each item once, as the database has it
    keys = {key for _pk, key in tantivy_index.fuzzy_candidates("QW55502", 1, 10)}
    assert {"QW55502", "QW55503"} <= keys


def test_an_index_that_does_not_say_where_it_stands_is_rebuilt_not_guessed(catalogue):
    call_command("reindex", stdout=StringIO())
    (tantivy_index.index_dir() / tantivy_index.POSITION_FILE).unlink()
    assert tantivy_index.state() == State.BEHIND
    assert tantivy_index.catch_up() == 0
    assert _search("гайка").index == "behind"
    call_command("reindex", stdout=StringIO())
    assert tantivy_index.state() == State.CURRENT


@pytest.mark.django_db
def test_the_search_page_says_when_the_index_is_missing_or_behind(client, catalogue):
    missing = client.get("/search/", {"q": "гайка"}).content.decode()
    assert 'data-index="missing"' in missing
    call_command("reindex", stdout=StringIO())
    current = client.get("/search/", {"q": "гайка"}).content.decode()
    assert "data-index" not in current
    _add_reference(catalogue, "QW-5550-4")  # in the test's transaction: never applied
    behind = client.get("/search/", {"q": "гайка"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'data-index="behind"' in behind
    assert "Поисковый индекс догоняет последние изменения" in behind
    api = client.get("/api/v1/search", {"q": "гайка"}).json()
    assert api["index"] == "behind"
