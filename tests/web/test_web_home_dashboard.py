"""The home page as a dashboard: the figures under the search box count what the reader sees in
full, the charts are well-formed SVG, and each bar opens the search of the items it counts."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from katalog.catalog.models import Item, ItemStatus
from katalog.catalog.summary_selectors import month_start
from katalog.codification.models import CodificationRequest, RequestPriority, RequestState
from katalog.jobs.models import Job, JobState
from tests.factories import UserFactory, bureau, make_item
from tests.svg import SVG, bars, charts

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """Public items of Russia and Kazakhstan in two statuses, one restricted Russian item, and
    two items codified two months ago."""
    items = [
        make_item("RU"),
        make_item("RU"),
        make_item("RU", status=ItemStatus.ACTIVE_NOT_PROCURABLE),
        make_item("KZ"),
        make_item("KZ", status=ItemStatus.ACTIVE_NOT_PROCURABLE),
        make_item("RU", release="restricted", status=ItemStatus.ACTIVE_NOT_PROCURABLE),
    ]
    earlier = timezone.now() - dt.timedelta(days=62)
    Item.objects.filter(pk__in=[items[0].pk, items[3].pk]).update(created_at=earlier)
    return [Item.objects.get(pk=i.pk) for i in items]


def counted(svg: Any) -> dict[str, int]:
    """Bar numbers by the filter value of each bar's link."""
    result = {}
    for _label, number, href in bars(svg):
        query = urlsplit(href).query
        result[query.split("=", 1)[1]] = number
    return result


def search_total(client: Client, href: str) -> int:
    """How many items the search a bar links to finds, through the API with the same query."""
    parts = urlsplit(href)
    assert parts.path == "/search/"
    assert client.get(href).status_code == 200
    answer = client.get(f"/api/v1/search?{parts.query}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["total_is_exact"]
    return answer.json()["total"]


def visible(items: list[Item], bureau_key: str | None) -> list[Item]:
    """The items a reader of that bureau (None: anonymous) sees in full."""
    return [i for i in items if i.release == "public" or i.bureau.key == bureau_key]


def test_home_counts_items_by_status_and_bureau_as_the_reader_sees_them(client, catalogue):
    reader = UserFactory(username="kz-reader", bureau=bureau("KZ"), roles=["viewer"])
    client.force_login(reader)
    found = charts(client.get("/").content.decode())
    shown = visible(catalogue, "KZ")
    assert counted(found["chart-status"]) == Counter(i.status for i in shown)
    assert counted(found["chart-bureau"]) == Counter(i.bureau.key for i in shown)
    assert sum(counted(found["chart-status"]).values()) == 5  # the restricted item is not counted


def test_the_assigning_bureau_counts_its_restricted_item(client, catalogue):
    client.force_login(UserFactory(username="ru-reader", roles=["viewer"]))
    found = charts(client.get("/").content.decode())
    assert counted(found["chart-bureau"]) == {"RU": 4, "KZ": 2}
    assert counted(found["chart-status"]) == {"0": 3, "1": 3}


def test_codifications_per_month_cover_twelve_months(client, catalogue):
    found = counted(charts(client.get("/").content.decode())["chart-month"])
    today = timezone.localdate()
    expected = Counter(
        timezone.localtime(i.created_at).strftime("%Y-%m") for i in visible(catalogue, None)
    )
    months = [month_start(today, back).strftime("%Y-%m") for back in range(11, -1, -1)]
    assert list(found) == months
    assert found == {m: expected.get(m, 0) for m in months}
    assert sum(found.values()) == 5


@pytest.mark.parametrize("chart", ["chart-status", "chart-bureau", "chart-month"])
def test_each_bar_opens_a_search_finding_the_items_it_counts(client, catalogue, chart):
    reader = UserFactory(username="kz-viewer", bureau=bureau("KZ"), roles=["viewer"])
    client.force_login(reader)
    svg = charts(client.get("/").content.decode())[chart]
    assert bars(svg)
    for _label, number, href in bars(svg):
        assert search_total(client, href) == number, href


def test_charts_name_what_they_count_and_carry_their_numbers(client, catalogue):
    found = charts(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    svg = found["chart-status"]
    assert svg.find(f"{SVG}title").text == "Items by status"
    assert svg.find(f"{SVG}desc").text
    assert svg.get("aria-labelledby") == "chart-status-title"
    labels = {label: number for label, number, _href in bars(svg)}
    assert labels == {"active": 3, "active, not procurable in the country of origin": 2}
    assert not list(svg.iter(f"{SVG}script"))


def test_queue_by_stage_marks_what_is_past_its_due_date(client, db):
    ru, kz = bureau("RU"), bureau("KZ")
    today = timezone.localdate()
    late, soon = today - dt.timedelta(days=1), today + dt.timedelta(days=5)
    rows = [
        (ru, RequestState.SUBMITTED, RequestPriority.EMERGENCY, late),
        (ru, RequestState.SUBMITTED, RequestPriority.ROUTINE, soon),
        (ru, RequestState.SUBMITTED, RequestPriority.ACCELERATED, late),
        (ru, RequestState.SCREENED, RequestPriority.ROUTINE, soon),
        (ru, RequestState.DRAFT, RequestPriority.ROUTINE, None),
        (ru, RequestState.PUBLISHED, RequestPriority.ROUTINE, late),  # closed: not in the queue
        (kz, RequestState.SUBMITTED, RequestPriority.ROUTINE, late),  # another bureau's
    ]
    for owner, state, priority, due in rows:
        CodificationRequest.objects.create(
            bureau=owner, state=state, priority=priority, due_date=due
        )
    client.force_login(UserFactory(username="ru-queue"))
    svg = charts(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())["chart-queue"]
    shown = {href: (number, label) for label, number, href in bars(svg)}
    assert {h: n for h, (n, _l) in shown.items()} == {
        "/requests/?state=draft": 1,
        "/requests/?state=submitted": 3,
        "/requests/?state=screened": 1,
        "/requests/?state=decided": 0,
        "/requests/?state=approved": 0,
    }
    notes = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "number"]
    assert "3 · 2 overdue" in notes
    hatched = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "marked"]
    assert len(hatched) == 1


def test_queue_links_list_the_requests_counted(client, db):
    ru = bureau("RU")
    mine = [
        CodificationRequest.objects.create(bureau=ru, state=RequestState.SUBMITTED) for _ in "ab"
    ]
    CodificationRequest.objects.create(bureau=ru, state=RequestState.SCREENED)
    CodificationRequest.objects.create(bureau=bureau("KZ"), state=RequestState.SUBMITTED)
    client.force_login(UserFactory(username="ru-lister"))
    svg = charts(client.get("/").content.decode())["chart-queue"]
    for _label, number, href in bars(svg):
        listed = set(re.findall(r'href="/requests/(\d+)/"', client.get(href).content.decode()))
        assert len(listed) == number, href
    submitted = client.get("/requests/?state=submitted").content.decode()
    assert set(re.findall(r'href="/requests/(\d+)/"', submitted)) == {str(r.pk) for r in mine}


def test_no_queue_and_no_imports_for_an_anonymous_visitor(client, catalogue):
    html = client.get("/").content.decode()
    assert "chart-queue" not in charts(html)
    assert 'id="imports"' not in html
    assert 'id="queue"' not in html


def test_last_imports_with_their_error_counts_are_the_users_own(client, db):
    user = UserFactory(username="importer")
    other = UserFactory(username="someone-else")
    mine = Job.objects.create(
        kind="import-items", actor=user, input_name="nuts.csv", error_count=3,
        state=JobState.SUCCEEDED, done=10,
    )  # fmt: skip
    Job.objects.create(kind="export-items", actor=user, input_name="export.csv")
    Job.objects.create(kind="import-items", actor=other, input_name="theirs.csv", error_count=9)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f'href="/jobs/{mine.pk}/">nuts.csv</a>' in html
    assert "<strong>3</strong>" in html
    assert "theirs.csv" not in html
    assert "export.csv" not in html


def test_newest_items_first_and_only_those_the_reader_sees(client, catalogue):
    html = client.get("/").content.decode()
    newest = re.findall(r'href="/items/([0-9-]+)/"', html)
    shown = sorted(visible(catalogue, None), key=lambda i: -i.pk)
    assert newest == [i.catalogue_number for i in shown]
    assert catalogue[5].catalogue_number not in newest


def test_the_dashboard_is_counted_in_a_fixed_number_of_queries(client, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory(username="ru-counter"))
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for _ in range(20):
        make_item("KZ")
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize(
    ("language", "title"),
    [("ru", "Предметы снабжения по статусу"), ("hy", "Մատակարարման առարկաներն ըստ կարգավիճակի")],
)
def test_the_charts_read_in_the_readers_language(client, catalogue, language, title):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert charts(html)["chart-status"].find(f"{SVG}title").text == title
