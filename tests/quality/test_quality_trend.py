"""The quality trend: a daily snapshot of the stored scores per bureau and release, and the mean
score at the end of each month drawn from it, public items only for readers of other bureaus."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from katalog.core.actors import SYSTEM_INIT
from katalog.quality.models import ItemQuality, QualitySnapshot
from katalog.quality.selectors import quality_trend
from katalog.quality.services import LOW_SCORE, snapshot_take
from tests.factories import UserFactory, bureau, make_item
from tests.svg import bars, charts

pytestmark = pytest.mark.django_db

MONTHS = ["2026-09", "2026-10", "2026-11"]


def scored(key: str, score: int, release: str = "public") -> ItemQuality:
    item = make_item(key, release=release)
    return ItemQuality.objects.update_or_create(
        item=item, defaults={"score": score, "failed": [], "checked": []}
    )[0]


def snapshot(day: dt.date, key: str, public: bool, scored: int, total: int) -> None:
    QualitySnapshot.objects.create(
        day=day, bureau=bureau(key), public=public, scored=scored, score_sum=total, low=0
    )


def test_a_snapshot_counts_each_bureaus_scores_apart_by_release():
    for key, score, release in [
        ("RU", 40, "public"),
        ("RU", 80, "public"),
        ("RU", 100, "restricted"),
        ("KZ", 59, "public"),
        ("KZ", LOW_SCORE, "public"),
    ]:
        scored(key, score, release)
    day = dt.date(2026, 11, 3)
    assert snapshot_take(day) == 3
    rows = {
        (s.bureau.key, s.public): (s.scored, s.score_sum, s.low)
        for s in QualitySnapshot.objects.filter(day=day)
    }
    assert rows == {
        ("RU", True): (2, 120, 1),
        ("RU", False): (1, 100, 0),
        ("KZ", True): (2, 59 + LOW_SCORE, 1),
    }


def test_a_second_snapshot_the_same_day_replaces_the_first():
    row = scored("RU", 40)
    day = dt.date(2026, 11, 3)
    snapshot_take(day)
    ItemQuality.objects.filter(pk=row.pk).update(score=90)
    snapshot_take(day)
    assert list(QualitySnapshot.objects.values_list("day", "scored", "score_sum")) == [(day, 1, 90)]


def test_each_month_shows_its_last_snapshot_and_months_before_the_first_are_left_out():
    snapshot(dt.date(2026, 10, 2), "RU", True, 10, 500)
    snapshot(dt.date(2026, 10, 30), "RU", True, 10, 700)
    snapshot(dt.date(2026, 10, 30), "KZ", True, 5, 500)
    snapshot(dt.date(2026, 11, 1), "RU", True, 20, 1200)
    snapshot(dt.date(2026, 11, 1), "KZ", False, 5, 0)
    system = SYSTEM_INIT
    trend = quality_trend(reader=system, bureau=None, months=MONTHS)
    assert [(a.value, a.count, a.average) for a in trend] == [
        ("2026-10", 15, 80.0),
        ("2026-11", 25, 48.0),
    ]
    assert [a.average for a in quality_trend(reader=system, bureau="KZ", months=MONTHS)] == [
        100.0,
        0.0,
    ]


def test_another_bureaus_restricted_items_stay_out_of_a_readers_trend():
    day = dt.date(2026, 11, 5)
    snapshot(day, "RU", True, 4, 200)
    snapshot(day, "RU", False, 1, 100)
    snapshot(day, "KZ", False, 2, 40)
    kz = UserFactory(username="kz-trend", bureau=bureau("KZ"), roles=["viewer"])
    ru = UserFactory(username="ru-trend", roles=["viewer"])
    assert [(a.count, a.average) for a in quality_trend(reader=kz, bureau="RU", months=MONTHS)] == [
        (4, 50.0)
    ]
    assert [(a.count, a.average) for a in quality_trend(reader=ru, bureau="RU", months=MONTHS)] == [
        (5, 60.0)
    ]
    assert [(a.count, a.average) for a in quality_trend(reader=kz, bureau=None, months=MONTHS)] == [
        (6, 40.0)
    ]


def test_the_dashboard_draws_the_trend_the_api_gives(client):
    scored("RU", 70)
    scored("RU", 90)
    call_command("quality", "snapshot")
    client.force_login(UserFactory(username="ru-dash", roles=["viewer"]))
    body = client.get("/api/v1/quality/summary?bureau=RU").json()
    assert [(a["count"], a["average"]) for a in body["trend"]] == [(2, 80.0)]
    html = client.get("/quality/?bureau=RU", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [n for _label, n, _href in bars(charts(html)["chart-score-trend"])] == [80]


def test_an_installation_without_snapshots_says_so_on_the_dashboard(client):
    scored("RU", 70)
    client.force_login(UserFactory(username="ru-empty", roles=["viewer"]))
    html = client.get("/quality/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert bars(charts(html)["chart-score-trend"]) == []
    assert "No snapshot of the scores has been taken yet." in html
