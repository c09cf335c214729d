"""The tantivy index as search backend: the same results shape and counts as the database's,
kept in step with the catalogue's writes, rebuilt by `katalog reindex`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from katalog.catalog import services
from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.search import selectors, tantivy_index
from katalog.search.selectors import SearchQuery, search
from tests.factories import bureau, make_item

pytestmark = pytest.mark.django_db


def _numbers(q: str, **filters) -> list[str]:
    page = search(SearchQuery(q=q, limit=50, **filters), lang="en", reader=SYSTEM_INIT)
    return [hit["catalogue_number"] for hit in page.hits]


def test_reindex_builds_the_index_of_every_item(catalogue):
    assert not tantivy_index.present()
    out = StringIO()
    call_command("reindex", stdout=out)
    assert tantivy_index.present()
    assert f"search index of {len(catalogue.items)} items" in out.getvalue()
    matches = tantivy_index.text_matches([["гайка"]], 50)
    assert matches is not None
    nuts = {catalogue[label].pk for label in ("nut_m10", "nut_locking", "nut_kz", "nut_kz_02")}
    assert nuts <= set(matches[0])


def test_word_forms_through_the_index(catalogue):
    call_command("reindex", stdout=StringIO())
    singular = _numbers("гайка")
    assert singular
    assert _numbers("гайки") == singular
    assert catalogue["bearing"].catalogue_number in _numbers("bearings")


def test_fuzzy_reference_with_one_typo_through_the_index(catalogue):
    call_command("reindex", stdout=StringIO())
    page = search(SearchQuery(q="MS21042-L9"), lang="en", reader=SYSTEM_INIT)
    assert page.hits[0]["matched_by"] == "reference_fuzzy"
    numbers = [hit["catalogue_number"] for hit in page.hits]
    assert catalogue["nut_m10"].catalogue_number in numbers
    assert catalogue["nut_locking"].catalogue_number in numbers
    # The index answers, not the database: a key only the index holds is found.
    assert tantivy_index.fuzzy_candidates("MS21042L9", 1, 10)


@pytest.mark.parametrize("q", ["гайка", "nut", "hexagon", "bolt"])
def test_facet_counts_equal_between_backends(catalogue, q):
    by_database = search(SearchQuery(q=q), lang="en", reader=SYSTEM_INIT)
    call_command("reindex", stdout=StringIO())
    by_index = search(SearchQuery(q=q), lang="en", reader=SYSTEM_INIT)
    assert by_database.hits, q
    assert by_index.facets == by_database.facets
    assert by_index.total == by_database.total
    assert by_index.total_is_exact
    assert by_database.total_is_exact
    assert {h["catalogue_number"] for h in by_index.hits} == {
        h["catalogue_number"] for h in by_database.hits
    }
    assert list(by_index.hits[0]) == list(by_database.hits[0])


def test_index_follows_a_write_when_it_commits(transactional_db, catalogue):
    call_command("reindex", stdout=StringIO())
    item = catalogue["washer"]
    assert tantivy_index.fuzzy_candidates("ZX9000417", 0, 10) == []
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=catalogue.makers["A001F"], number="ZX-9000-417"
    )
    assert (item.pk, "ZX9000417") in tantivy_index.fuzzy_candidates("ZX9000417", 0, 10)
    assert tantivy_index.state() == tantivy_index.IndexState.CURRENT
    page = search(SearchQuery(q="ZX9000418"), lang="en", reader=SYSTEM_INIT)
    assert [h["catalogue_number"] for h in page.hits] == [item.catalogue_number]
    assert page.index == "current"


def test_a_write_never_committed_leaves_the_index_alone(catalogue):
    call_command("reindex", stdout=StringIO())
    services.reference_add(
        actor=SYSTEM_INIT,
        item=catalogue["washer"],
        manufacturer=catalogue.makers["A001F"],
        number="ZX-9000-417",
    )  # the test's transaction never commits
    assert tantivy_index.fuzzy_candidates("ZX9000417", 0, 10) == []
    # Seen from inside that transaction the index is behind the log: search asks the database.
    assert tantivy_index.state() == tantivy_index.IndexState.BEHIND
    page = search(SearchQuery(q="ZX9000418"), lang="en", reader=SYSTEM_INIT)
    assert page.index == "behind"
    assert [h["catalogue_number"] for h in page.hits] == [catalogue["washer"].catalogue_number]


def test_release_rules_and_filters_still_apply_through_the_index(catalogue):
    call_command("reindex", stdout=StringIO())
    only_kz = _numbers("гайка", bureaus=("KZ",))
    assert only_kz
    assert set(only_kz) <= {
        catalogue["nut_kz"].catalogue_number,
        catalogue["nut_kz_02"].catalogue_number,
    }


def _all_pages(q: str, limit: int) -> list[str]:
    numbers, after = [], None
    while True:
        query = SearchQuery(q=q, limit=limit, after=after)
        page = search(query, lang="en", reader=SYSTEM_INIT)
        numbers += [hit["catalogue_number"] for hit in page.hits]
        if page.next_cursor is None:
            return numbers
        after = page.next_cursor


def test_more_matches_than_the_index_ranks_follow_by_id_through_every_page(catalogue, monkeypatch):
    by_database = _all_pages("гайка", 1)
    call_command("reindex", stdout=StringIO())
    scores = tantivy_index.text_matches([["гайка"]], 50)[0]
    monkeypatch.setattr(selectors, "INDEX_TEXT_CAP", 2)
    by_index = _all_pages("гайка", 1)
    assert len(by_database) > 3
    # Every match once, two of the best by relevance first, the others by catalogue order (id).
    assert sorted(by_index) == sorted(by_database)
    ids = [catalogue.items[catalogue.label_of(n)].pk for n in by_index]
    assert [scores[pk] for pk in ids[:2]] == sorted(scores.values(), reverse=True)[:2]
    assert ids[2:] == sorted(ids[2:])
    page = search(SearchQuery(q="гайка"), lang="en", reader=SYSTEM_INIT)
    assert page.total == len(by_database)
    assert page.total_is_exact
    # Counted in SQL (with other readings), the facets take the first matches by id.
    first = selectors._first_ids_sql(Item.objects.all(), selectors.interpret("гайка").tiers, 3)
    with connection.cursor() as cursor:
        cursor.execute(*first)
        assert [pk for (pk,) in cursor.fetchall()] == sorted(ids)[:3]


def test_country_and_user_facets_follow_a_registration_through_the_index(
    transactional_db, catalogue
):
    call_command("reindex", stdout=StringIO())
    washer = catalogue["washer"]
    user_code = bureau("KZ").user_code

    def facet(name: str) -> dict[str, int]:
        page = search(SearchQuery(q="washer"), lang="en", reader=SYSTEM_INIT)
        assert page.index == "current"
        return {row["value"]: row["count"] for row in page.facets[name]}

    before = facet("user")
    assert facet("country") == {washer.references.get().manufacturer.country_id: 1}
    services.registration_add(actor=SYSTEM_INIT, item=washer, bureau=bureau("KZ"))
    assert facet("user") == {**before, user_code: before.get(user_code, 0) + 1}
    assert tantivy_index.facet_counts([["washer"]])["user"][user_code] >= 1


def test_a_word_written_in_latin_with_apostrophes_is_found_by_its_cyrillic_spelling(catalogue):
    ring = make_item(supply_class="5330", item_name_code="77777", name_text="KOL'TSO REZINOVOE")
    by_database = _numbers("кольцо")
    call_command("reindex", stdout=StringIO())
    assert ring.catalogue_number in by_database
    assert ring.catalogue_number in _numbers("кольцо")
    assert tantivy_index.text_matches([["koltso"]], 10)[0].keys() == {ring.pk}
