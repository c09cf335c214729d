"""The quality dashboard (/quality/): its figures equal what the stored scores say, per bureau
and for the centre, over the items the reader sees in full; every bar opens the items counted."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from statistics import mean
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from katalog.catalog import services
from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.quality.models import ItemQuality
from katalog.quality.services import rescore
from tests.factories import UserFactory, bureau, make_item
from tests.svg import bars, charts, full_labels

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_five_rules")]

# (bureau, supply class, score, failed rules, release)
SCORES = [
    ("RU", "5310", 0, ["CHARACTERISTICS", "REGISTRATIONS"], "public"),
    ("RU", "5310", 9, ["CHARACTERISTICS"], "public"),
    ("RU", "5310", 10, ["REGISTRATIONS"], "public"),
    ("RU", "4730", 89, ["MANUFACTURER_ACTIVE"], "public"),
    ("RU", "4730", 90, [], "public"),
    ("RU", "5310", 100, [], "restricted"),
    ("KZ", "5310", 55, ["CHARACTERISTICS"], "public"),
    ("KZ", "4730", 100, [], "public"),
    ("KZ", "4730", 30, ["CHARACTERISTICS", "REGISTRATIONS"], "restricted"),
]


@pytest.fixture
def scored():
    """Items with stored scores at the edges of the bands; one of each bureau's restricted, one
    codified three months ago, and one item not scored at all."""
    rows = []
    for key, supply_class, score, failed, release in SCORES:
        item = make_item(key, supply_class=supply_class, release=release)
        ItemQuality.objects.create(item=item, score=score, failed=failed, checked=failed)
        rows.append((item, score, failed))
    earlier = timezone.now() - dt.timedelta(days=92)
    Item.objects.filter(pk=rows[1][0].pk).update(created_at=earlier)
    make_item("RU")  # not scored yet
    return [(Item.objects.get(pk=i.pk), s, f) for i, s, f in rows]


def seen(rows, reader_bureau: str | None, bureau_key: str | None = None):
    """The scored items a reader of that bureau sees in full, of one bureau or all."""
    return [
        (item, score, failed)
        for item, score, failed in rows
        if (item.release == "public" or item.bureau.key == reader_bureau)
        and (bureau_key is None or item.bureau.key == bureau_key)
    ]


def band(score: int) -> str:
    low = min(score // 10 * 10, 90)
    return f"{low}–{100 if low == 90 else low + 9}"


def page(client: Client, query: str = "") -> dict:
    response = client.get(f"/quality/{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    return charts(response.content.decode())


def search_total(client: Client, href: str) -> int:
    parts = urlsplit(href)
    assert parts.path == "/search/"
    answer = client.get(f"/api/v1/search?{parts.query}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["total_is_exact"]
    return answer.json()["total"]


def test_score_distribution_in_bands_of_ten_for_the_centre(client, scored):
    client.force_login(UserFactory(username="centre-viewer", bureau=bureau("MC"), roles=[]))
    found = page(client)["chart-buckets"]
    expected = Counter(band(score) for _i, score, _f in seen(scored, "MC"))
    labels = [label for label, _n, _h in bars(found)]
    assert labels == [f"{low}–{low + 9}" for low in range(0, 90, 10)] + ["90–100"]
    assert {label: n for label, n, _h in bars(found)} == {k: expected.get(k, 0) for k in labels}


def test_a_national_bureau_sees_its_own_items_by_default_restricted_included(client, scored):
    client.force_login(UserFactory(username="ru-quality", roles=["viewer"]))
    found = page(client)["chart-buckets"]
    expected = Counter(band(s) for _i, s, _f in seen(scored, "RU", "RU"))
    assert {k: n for k, n, _h in bars(found) if n} == dict(expected)
    assert sum(n for _l, n, _h in bars(found)) == 6


def test_a_reader_who_may_not_see_restricted_items_does_not_get_them_counted(client, scored):
    client.force_login(UserFactory(username="kz-quality", bureau=bureau("KZ"), roles=["viewer"]))
    answer = client.get("/api/v1/quality/summary?bureau=RU").json()
    assert answer["scored"] == 5  # not the restricted Russian item
    assert answer["bureau"] == "RU"
    own = client.get("/api/v1/quality/summary?bureau=KZ").json()
    assert own["scored"] == 3  # its own restricted item is counted
    worst = client.get("/api/v1/quality/worst?bureau=RU&limit=200").json()
    assert len(worst) == 5


def test_each_band_opens_a_search_finding_the_items_it_counts(client, scored):
    client.force_login(UserFactory(username="kz-bands", bureau=bureau("KZ"), roles=["viewer"]))
    for query in ("", "?bureau=all", "?bureau=RU"):
        svg = page(client, query)["chart-buckets"]
        for _label, number, href in bars(svg):
            assert search_total(client, href) == number, (query, href)


@pytest.mark.parametrize("chart", ["chart-groups", "chart-bureaus", "chart-trend"])
def test_means_by_group_bureau_and_month_equal_the_scores(client, scored, chart):
    client.force_login(UserFactory(username="ru-means", roles=["viewer"]))
    svg = page(client, "?bureau=all")[chart]
    rows = seen(scored, "RU")
    key = {
        "chart-groups": lambda item: item.supply_class[:2],
        "chart-bureaus": lambda item: item.bureau.key,
        "chart-trend": lambda item: timezone.localtime(item.created_at).strftime("%Y-%m"),
    }[chart]
    by_key = defaultdict(list)
    for item, score, _failed in rows:
        by_key[key(item)].append(score)
    shown = {}
    for _label, number, href in bars(svg):
        params = parse_qs(urlsplit(href).query)
        value = {"chart-groups": "group", "chart-bureaus": "bureau", "chart-trend": "codified"}
        shown[params[value[chart]][0]] = number
        # The link opens the scored items of that slice: as many as the bar's note says.
        count = len(by_key[params[value[chart]][0]])
        assert search_total(client, href) == count, href
    assert shown == {k: round(mean(v), 1) for k, v in by_key.items()}


def test_group_labels_carry_the_group_title(client, scored):
    from katalog.refdata.models import SupplyGroup

    svg = page(client, "?bureau=all")["chart-groups"]
    titles = {
        code: names["en"]
        for code, names in SupplyGroup.objects.filter(code__in=["47", "53"]).values_list(
            "code", "titles"
        )
    }
    assert full_labels(svg) == [f"47 {titles['47']}", f"53 {titles['53']}"]


def test_rules_failed_most_come_first_and_open_the_work_list(client, scored):
    client.force_login(UserFactory(username="ru-rules", roles=["viewer"]))
    svg = page(client, "?bureau=all")["chart-rules"]
    rows = seen(scored, "RU")
    expected = Counter(code for _i, _s, failed in rows for code in failed)
    numbers = [n for _l, n, _h in bars(svg)]
    assert numbers == sorted(numbers, reverse=True)
    for _label, number, href in bars(svg):
        rule = parse_qs(urlsplit(href).query)["rule"][0]
        assert number == expected.get(rule, 0), rule
        html = client.get(href).content.decode()
        listed = html.split('id="worklist"', 1)[1].count('href="/items/')
        assert listed == number, rule


def test_the_work_list_is_the_lowest_scores_first_linking_to_the_items(client, scored):
    client.force_login(UserFactory(username="ru-work", roles=["viewer"]))
    html = client.get("/quality/").content.decode().split('id="worklist"', 1)[1]
    ordered = sorted(seen(scored, "RU", "RU"), key=lambda row: (row[1], row[0].pk))
    positions = [html.index(f'href="/items/{item.catalogue_number}/"') for item, _s, _f in ordered]
    assert positions == sorted(positions)
    worst = client.get("/api/v1/quality/worst?bureau=RU").json()
    assert [w["catalogue_number"] for w in worst] == [i.catalogue_number for i, _s, _f in ordered]
    assert worst[0]["score"] == 0
    assert {r["code"] for r in worst[0]["failed"]} == {"CHARACTERISTICS", "REGISTRATIONS"}


def test_the_summary_api_gives_the_figures_of_the_page(client, scored):
    client.force_login(UserFactory(username="kz-api", bureau=bureau("KZ"), roles=["viewer"]))
    answer = client.get("/api/v1/quality/summary?bureau=KZ")
    assert answer.status_code == 200
    body = answer.json()
    rows = seen(scored, "KZ", "KZ")
    assert body["scored"] == len(rows)
    assert body["average"] == round(mean(s for _i, s, _f in rows), 1)
    assert [(b["low"], b["high"]) for b in body["buckets"]][-1] == (90, 100)
    svg = page(client, "?bureau=KZ")["chart-buckets"]
    assert [n for _l, n, _h in bars(svg)] == [b["count"] for b in body["buckets"]]
    assert {r["code"]: r["failed"] for r in body["rules"]} == {
        "CHARACTERISTICS": 2,
        "REGISTRATIONS": 1,
        "MANUFACTURER_ACTIVE": 0,
        "REPLACEMENT_ACTIVE": 0,
        "TYPE1_REFERENCE": 0,
    }


def test_scores_computed_by_the_rules_are_counted(client, db):
    poor, better = make_item(), make_item()
    services.characteristic_set(actor=SYSTEM_INIT, item=better, code="THDD", raw="10 mm")
    rescore([poor.pk, better.pk])
    stored = dict(ItemQuality.objects.values_list("item_id", "score"))
    body = client.get("/api/v1/quality/summary").json()
    assert body["scored"] == 2
    assert {b["low"]: b["count"] for b in body["buckets"] if b["count"]} == dict(
        Counter(min(s // 10 * 10, 90) for s in stored.values())
    )
    assert {r["code"]: r["failed"] for r in body["rules"]}["CHARACTERISTICS"] == 1


def test_an_empty_catalogue_draws_charts_that_say_so(client, db):
    found = page(client)
    assert set(found) == {
        "chart-buckets", "chart-rules", "chart-groups", "chart-bureaus", "chart-trend",
        "chart-score-trend",
    }  # fmt: skip
    assert bars(found["chart-groups"]) == []
    html = client.get("/quality/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No item has been scored yet." in html


def test_an_unknown_score_filter_is_a_clear_error(client, db):
    answer = client.get("/api/v1/search?quality_from=abc")
    assert answer.status_code == 422
    assert "quality_from" in str(answer.json()["errors"])
    answer = client.get("/api/v1/search?quality_from=101")
    assert (answer.status_code, answer.json()["code"]) == (422, "INVALID_QUALITY")
    answer = client.get("/api/v1/search?codified=2026-13")
    assert (answer.status_code, answer.json()["code"]) == (422, "INVALID_MONTH")
    assert client.get("/search/?codified=2026-13").status_code == 422


def test_the_dashboard_reads_in_the_readers_language(client, scored):
    html = client.get("/quality/", HTTP_ACCEPT_LANGUAGE="uz").content.decode()
    svg = charts(html)["chart-rules"]
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Eng koʻp bajarilmagan qoidalar"
    assert "Ish roʻyxati" in html


def test_a_registered_user_nation_counts_the_scores_of_the_restricted_item_it_uses(client, scored):
    restricted = next(item for item, _s, _f in scored if item.release == "restricted")
    assert restricted.bureau.key == "RU"
    services.registration_add(actor=SYSTEM_INIT, item=restricted, bureau=bureau("KZ"))
    client.force_login(UserFactory(username="kz-user", bureau=bureau("KZ"), roles=["viewer"]))
    assert client.get("/api/v1/quality/summary?bureau=RU").json()["scored"] == 6
