"""The quality figures through the API: the same counts as the stored scores, over what the
caller sees in full, with the release rules applied to tokens as to sessions."""

from __future__ import annotations

from collections import Counter

import pytest

from katalog.quality.models import ItemQuality
from tests.factories import make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_five_rules")]


@pytest.fixture
def scored(db):
    """Two public Russian items, one restricted Russian item and one public Kazakh item."""
    rows = [
        (make_item("RU"), 40, ["CHARACTERISTICS"]),
        (make_item("RU"), 95, []),
        (make_item("RU", release="restricted"), 15, ["CHARACTERISTICS", "REGISTRATIONS"]),
        (make_item("KZ"), 70, ["REGISTRATIONS"]),
    ]
    for item, score, failed in rows:
        ItemQuality.objects.create(item=item, score=score, failed=failed, checked=failed)
    return rows


def test_summary_for_a_token_of_another_bureau_leaves_out_restricted_items(kz_api, scored):
    body = kz_api.get("/api/v1/quality/summary").json()
    assert body["scored"] == 3
    assert body["average"] == round((40 + 95 + 70) / 3, 1)
    assert {b["low"]: b["count"] for b in body["buckets"] if b["count"]} == {40: 1, 70: 1, 90: 1}
    assert {g["value"]: g["count"] for g in body["bureaus"]} == {"RU": 2, "KZ": 1}


def test_summary_for_the_assigning_bureau_counts_its_restricted_item(ru_api, scored):
    body = ru_api.get("/api/v1/quality/summary?bureau=ru").json()
    assert body["bureau"] == "RU"
    assert body["scored"] == 3
    failed = Counter(
        code for item, _s, codes in scored if item.bureau.key == "RU" for code in codes
    )
    assert {r["code"]: r["failed"] for r in body["rules"] if r["failed"]} == dict(failed)
    assert body["groups"] == [
        {"value": "53", "label": body["groups"][0]["label"], "count": 3, "average": 50.0}
    ]


def test_worst_items_lowest_first_with_a_rule_filter(ru_api, scored):
    worst = ru_api.get("/api/v1/quality/worst?rule=REGISTRATIONS").json()
    assert [w["score"] for w in worst] == [15, 70]
    everything = ru_api.get("/api/v1/quality/worst?limit=2").json()
    assert [w["score"] for w in everything] == [15, 40]


def test_anonymous_reading_follows_the_installation(anonymous_api, scored, settings):
    assert anonymous_api.get("/api/v1/quality/summary").json()["scored"] == 3
    settings.PUBLIC_READ = False
    answer = anonymous_api.get("/api/v1/quality/summary")
    assert answer.status_code == 401
    assert answer["Content-Type"].startswith("application/problem+json")


def test_a_limit_out_of_range_is_refused(ru_api, scored):
    answer = ru_api.get("/api/v1/quality/worst?limit=0")
    assert answer.status_code == 422
