"""The bounded paths of search: fuzzy candidates by whole pieces of the key, facets over the
first matches, readings that match nothing."""

from __future__ import annotations

from katalog.catalog import services
from katalog.catalog.models import Item, Reference
from katalog.core.actors import SYSTEM_INIT
from katalog.search import backends
from katalog.search.selectors import SearchQuery, search
from tests.factories import bureau, make_item


def _add_reference(catalogue, number: str, maker: str = "A001F") -> Item:
    item = make_item("RU", "5310", "10101")
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=catalogue.makers[maker], number=number
    )
    return item


def test_search_fuzzy_candidates_hold_every_key_within_the_edit_distance(catalogue):
    wanted = _add_reference(catalogue, "QX7-45812-ZT")
    for number in ("QX7-00000-00", "00000-45812", "ZT-99999-ZT"):  # share trigrams, too far off
        _add_reference(catalogue, number)
    # One letter replaced and one inserted: two edits, the third piece of the key is untouched.
    candidates = backends.fuzzy_reference_candidates("QX8458122ZT", max_edits=2)
    assert Reference.objects.get(item=wanted).key in {key for _r, _i, key in candidates}
    page = search(SearchQuery(q="QX8-458122-ZT"), lang="en", reader=SYSTEM_INIT)
    assert [hit["niin"] for hit in page.hits] == [wanted.niin]
    assert page.hits[0]["matched_by"] == "reference_fuzzy"


def _one_edit_variants(key: str) -> set[str]:
    substituted = {key[:i] + "W" + key[i + 1 :] for i in range(len(key))}
    deleted = {key[:i] + key[i + 1 :] for i in range(len(key))}
    inserted = {key[:i] + "W" + key[i:] for i in range(len(key) + 1)}
    return substituted | deleted | inserted


def test_search_fuzzy_candidates_find_a_key_whatever_the_position_of_the_edits(catalogue):
    """The pieces are looked for as prefix, inside and as suffix: an edit anywhere, including
    at the joins of the pieces, must leave the key findable."""
    _add_reference(catalogue, "QX7-45812-ZT")
    key = "QX745812ZT"
    one_away = _one_edit_variants(key)
    two_away = {w for v in one_away for w in _one_edit_variants(v)} - one_away - {key}
    missed = {
        (query, edits)
        for edits, queries in ((1, one_away), (2, sorted(two_away)[::7]))
        for query in queries
        if key
        not in {k for _r, _i, k in backends.fuzzy_reference_candidates(query, max_edits=edits)}
    }
    assert missed == set()


def test_search_fuzzy_short_key_falls_back_to_shared_trigrams(catalogue):
    wanted = _add_reference(catalogue, "7Q41")
    page = search(SearchQuery(q="7Q42"), lang="en", reader=SYSTEM_INIT)
    assert wanted.niin in [hit["niin"] for hit in page.hits]


def test_search_query_matching_nothing_has_no_hits_and_no_facets(catalogue):
    page = search(SearchQuery(q="ZZQ-987654"), lang="en", reader=SYSTEM_INIT)
    assert page.hits == []
    assert page.total == 0
    assert all(values == [] for values in page.facets.values())
    assert "reference" in page.interpretation["readings"]


def test_search_facets_with_a_filter_count_the_filtered_matches(catalogue):
    page = search(SearchQuery(q="гайка", bureaus=("KZ",)), lang="en", reader=SYSTEM_INIT)
    matched = {hit["niin"] for hit in page.hits}
    assert matched == {catalogue["nut_kz"].niin, catalogue["nut_kz_02"].niin}
    counts = {
        facet: {v["value"]: v["count"] for v in values} for facet, values in page.facets.items()
    }
    assert counts["bureau"] == {"KZ": 2}
    assert counts["class"] == {"5310": 2}
    assert counts["group"] == {"53": 2}
    assert counts["country"] == {"KZ": 2}
    assert counts["user"] == {bureau("KZ").user_code: 1, bureau("RU").user_code: 1}
    assert page.total == 2
    assert page.total_is_exact


def test_search_words_shorter_than_three_letters_match_whole_words_only(catalogue):
    whole = make_item("RU", "5310", "10101", name_text="ZQ KLAMMER")
    longer = make_item("RU", "5310", "10101", name_text="ZQUALIFIER KLAMMER")
    found = [
        hit["niin"]
        for hit in search(SearchQuery(q="zq klammer"), lang="en", reader=SYSTEM_INIT).hits
    ]
    assert whole.niin in found
    assert longer.niin not in found
    found = [
        hit["niin"]
        for hit in search(SearchQuery(q="zqu klammer"), lang="en", reader=SYSTEM_INIT).hits
    ]
    assert longer.niin in found
    assert whole.niin not in found
