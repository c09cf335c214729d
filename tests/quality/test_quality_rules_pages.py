"""The quality rules' API (`/api/v1/quality/rules`) and page (`/quality/rules/`): the rules in
force for the caller's bureau, own rules added and changed with problem+json refusals of stable
codes, every version shown; the dashboard counts and filters by an own rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from katalog.accounts.tokens import token_create
from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.jobs.models import Job
from katalog.jobs.services import job_execute
from katalog.quality.models import ItemQuality, QualityRule
from katalog.quality.services import RESCORE_KIND, quality_rule_create, rescore
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item
from tests.svg import bars, charts

pytestmark = pytest.mark.django_db

RULE = {
    "code": "TWO_REFS",
    "kind": "min_references",
    "params": {"count": 2},
    "weight": 40,
    "messages": {"en": "Two reference numbers at least", "ru": "Не менее двух обозначений"},
    "fixes": {"en": "Add a second reference number"},
}


def api(username: str, bureau_key: str, roles: list[str]) -> Client:
    user = UserFactory(username=username, bureau=bureau(bureau_key), roles=roles)
    _record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    call = getattr(client, method)
    return call(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def ru_lead() -> Client:
    return api("ru-lead", "RU", ["approver"])


def test_the_rules_in_force_are_listed_with_weights_and_versions(ru_lead):
    answer = ru_lead.get("/api/v1/quality/rules")
    assert answer.status_code == 200
    rows = {r["code"]: r for r in answer.json()}
    assert rows["CHARACTERISTICS"]["weight"] == 30
    assert rows["CHARACTERISTICS"]["kind"] == "builtin"
    assert rows["CHARACTERISTICS"]["whose"] == "global"
    assert rows["CHARACTERISTICS"]["may_set"] is True
    assert rows["CHARACTERISTICS"]["may_define"] is False
    viewer = api("ru-viewer", "RU", ["viewer"])
    assert not any(r["may_set"] for r in viewer.get("/api/v1/quality/rules").json())


def test_an_own_rule_is_added_changed_and_its_history_read(ru_lead):
    created = send(ru_lead, "post", "/api/v1/quality/rules", RULE)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["rule"]["code"] == "RU_TWO_REFS"
    assert body["rule"]["whose"] == "own"
    assert body["rule"]["message"] == "Two reference numbers at least"
    assert [v["version"] for v in body["history"]] == [1]
    assert Job.objects.filter(kind=RESCORE_KIND).exists()
    changed = send(
        ru_lead,
        "patch",
        "/api/v1/quality/rules/RU_TWO_REFS",
        {"weight": 10, "params": {"count": 3}, "version": 1, "reason": "stricter"},
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["rule"]["version"], body["rule"]["weight"]) == (2, 10)
    assert body["rule"]["params"] == {"count": 3}
    assert [(v["version"], v["params"]["count"]) for v in body["history"]] == [(2, 3), (1, 2)]
    again = ru_lead.get("/api/v1/quality/rules/ru_two_refs?lang=ru").json()
    assert again["rule"]["message"] == "Не менее двух обозначений"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"params": {"count": 0}}, 422, "RULE_PARAMS_INVALID"),
        ({"weight": 500}, 422, "RULE_WEIGHT_INVALID"),
        ({"messages": {}}, 422, "RULE_MESSAGE_REQUIRED"),
        ({"weight": 5, "version": 7}, 412, "RULE_VERSION_STALE"),
    ],
)
def test_refusals_are_problems_with_stable_codes(ru_lead, change, status, code):
    send(ru_lead, "post", "/api/v1/quality/rules", RULE)
    answer = send(ru_lead, "patch", "/api/v1/quality/rules/RU_TWO_REFS", change)
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["code"] == code


def test_another_bureau_and_a_cataloguer_cannot_change_the_rules(ru_lead):
    send(ru_lead, "post", "/api/v1/quality/rules", RULE)
    kz_lead = api("kz-lead", "KZ", ["approver"])
    answer = send(kz_lead, "patch", "/api/v1/quality/rules/RU_TWO_REFS", {"weight": 1})
    assert (answer.status_code, answer.json()["code"]) == (403, "RULE_OF_ANOTHER_BUREAU")
    assert "RU_TWO_REFS" not in {r["code"] for r in kz_lead.get("/api/v1/quality/rules").json()}
    cataloguer = api("ru-cat", "RU", ["cataloguer"])
    answer = send(cataloguer, "post", "/api/v1/quality/rules", {**RULE, "code": "OTHER"})
    assert (answer.status_code, answer.json()["code"]) == (403, "MISSING_ROLE")
    assert answer.json()["code"] == "MISSING_ROLE"
    assert ru_lead.get("/api/v1/quality/rules/KZ_NOTHING").status_code == 404


def test_the_item_body_explains_the_own_rule(ru_lead):
    send(ru_lead, "post", "/api/v1/quality/rules", RULE)
    item = make_item()
    rescore([item.pk])
    body = ru_lead.get(f"/api/v1/items/{item.catalogue_number}").json()
    own = next(r for r in body["quality"]["rules"] if r["code"] == "RU_TWO_REFS")
    assert own == {
        "code": "RU_TWO_REFS",
        "passed": False,
        "message": "Two reference numbers at least",
        "fix": "Add a second reference number",
    }
    client = Client()
    client.force_login(UserFactory(username="ru-reader", roles=["viewer"]))
    html = client.get(f"/items/{item.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Two reference numbers at least" in html.content.decode()


def test_the_rules_page_lists_the_rules_and_adds_and_changes_one(client):
    lead = UserFactory(username="ru-page-lead", roles=["approver"])
    client.force_login(lead)
    page = client.get("/quality/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="rules"' in page
    assert "The description has characteristics." in page
    assert 'id="add-rule"' in page
    added = client.post(
        "/quality/rules/",
        {
            "code": "THREAD",
            "kind": "characteristic",
            "characteristic": "THDD",
            "supply_class": "5310",
            "weight": "25",
            "active": "on",
            "message": "The thread is given",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert added.status_code == 302, added.content.decode()
    assert added["Location"] == "/quality/rules/RU_THREAD/"
    rule = QualityRule.objects.get(code="RU_THREAD")
    assert rule.params == {"characteristic": "THDD", "supply_class": "5310"}
    assert rule.messages == {"en": "The thread is given"}
    changed = client.post(
        "/quality/rules/RU_THREAD/",
        {
            "version": "1",
            "weight": "35",
            "active": "on",
            "characteristic": "THDD",
            "message_en": "The thread diameter is given",
            "message_ru": "Диаметр резьбы указан",
            "reason": "clearer",
        },
    )
    assert changed.status_code == 302, changed.content.decode()
    rule.refresh_from_db()
    assert (rule.version, rule.weight, rule.params) == (2, 35, {"characteristic": "THDD"})
    detail = client.get("/quality/rules/RU_THREAD/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    history = detail.split('id="rule-history"', 1)[1]
    assert "clearer" in history
    assert "The thread is given" in history
    assert "The thread diameter is given" in history


def test_the_page_shows_a_refusal_and_no_form_to_a_viewer(client):
    client.force_login(UserFactory(username="ru-page-lead", roles=["approver"]))
    refused = client.post(
        "/quality/rules/",
        {"code": "X", "kind": "min_references", "count": "0", "weight": "5", "message": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 422
    assert "The number of references is from 1 to 99" in refused.content.decode()
    client.force_login(UserFactory(username="ru-page-viewer", roles=["viewer"]))
    page = client.get("/quality/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="add-rule"' not in page
    assert client.post("/quality/rules/CHARACTERISTICS/", {"weight": "1"}).status_code == 403


def test_the_dashboard_counts_and_filters_by_an_own_rule(client):
    lead = UserFactory(username="ru-dash-lead", roles=["approver"])
    quality_rule_create(
        actor=lead,
        code="TWO_REFS",
        kind="min_references",
        params={"count": 2},
        messages={"en": "Two reference numbers at least"},
    )
    job_execute(Job.objects.filter(kind=RESCORE_KIND).latest("pk").pk)
    poor, good, other = make_item("RU"), make_item("RU"), make_item("KZ")
    for number in ("R-1", "R-2"):
        services.reference_add(
            actor=SYSTEM_INIT, item=good, manufacturer=ManufacturerFactory(), number=number
        )
    rescore([poor.pk, good.pk, other.pk])
    assert "RU_TWO_REFS" in ItemQuality.objects.get(item=poor).failed
    client.force_login(UserFactory(username="ru-dash-viewer", roles=["viewer"]))
    html = client.get("/quality/?bureau=RU", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    found = {label: (n, href) for label, n, href in bars(charts(html)["chart-rules"])}
    number, href = found["Two reference numbers at least"]
    assert number == 1
    worklist = client.get(href, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    listed = worklist.split('id="worklist"', 1)[1]
    assert "Two reference numbers at least" in listed
    assert listed.count('href="/items/') == 1
    assert f'href="/items/{poor.catalogue_number}/"' in listed
    kz = client.get("/quality/?bureau=KZ", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Two reference numbers at least" not in {b[0] for b in bars(charts(kz)["chart-rules"])}
    summary = client.get("/api/v1/quality/summary?bureau=RU").json()
    assert {r["code"]: r["failed"] for r in summary["rules"]}["RU_TWO_REFS"] == 1
