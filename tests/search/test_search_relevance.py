"""The relevance test set (search_relevance.json) over the fixture catalogue, on either database,
answered through the tantivy index and through the database path it falls back to."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from katalog.core.actors import SYSTEM_INIT
from katalog.search import tantivy_index
from katalog.search.selectors import SearchQuery, search

CASES = json.loads((Path(__file__).parent / "search_relevance.json").read_text(encoding="utf-8"))[
    "cases"
]


def _forms(item) -> dict[str, str]:
    return {
        "number": item.catalogue_number,
        "digits": item.supply_class + item.niin,
        "niin": item.niin,
        "niin_grouped": item.catalogue_number[5:],
        "serial": f"{item.serial:07d}",
    }


def _expand(text: str, catalogue) -> str:
    if not text.startswith("{"):
        return text
    label, form = text.strip("{}").split(".")
    return _forms(catalogue[label])[form]


@pytest.fixture(params=["database", "index"])
def answered_by(request, catalogue) -> str:
    """Which path answers: the database (no index, as when it is missing) or the index."""
    if request.param == "index":
        call_command("reindex", stdout=StringIO())
        assert tantivy_index.state() == tantivy_index.IndexState.CURRENT
    return request.param


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_search_relevance_case(catalogue, answered_by, case):
    q = _expand(case["q"], catalogue)
    page = search(SearchQuery(q=q, limit=50), lang="en", reader=SYSTEM_INIT)
    assert page.index == ("current" if answered_by == "index" else "missing")
    labels = [catalogue.label_of(hit["catalogue_number"]) for hit in page.hits]
    if case.get("empty"):
        assert labels == []
        return
    assert labels, f"{q!r} found nothing"
    if "first" in case:
        assert labels[0] == case["first"]
    if "top" in case:
        assert set(labels[: len(case["top"])]) == set(case["top"])
    if "matched_by" in case:
        assert page.hits[0]["matched_by"] == case["matched_by"]
    for label in case.get("absent", []):
        assert label not in labels
    assert len(labels) == len(set(labels)), "an item appears twice"
