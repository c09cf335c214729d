"""A client generated at run time from /api/v1/openapi.json, talking HTTP to a live server with
API tokens, does a whole codification round trip using only what the document declares."""

import pytest

from katalog.accounts.tokens import token_create
from katalog.core.actors import SYSTEM_OPERATOR
from tests.api.api_openapi_client import OpenAPIClient
from tests.factories import UserFactory, bureau

pytestmark = [pytest.mark.slow]


def token_for(username, bureau_key, roles=("cataloguer",)):
    user = UserFactory(username=username, bureau=bureau(bureau_key), roles=list(roles))
    return token_create(actor=SYSTEM_OPERATOR, user=user, name="generated client")[1]


@pytest.fixture
def clients(live_server, transactional_db):
    # The author may approve in general: the four-eyes rule, not a missing role, must refuse them.
    ru = OpenAPIClient(
        live_server.url, "/api/v1/openapi.json", token_for("ru-author", "RU", ["approver"])
    )
    return {
        "ru": ru,
        "ru_approver": ru.as_user(token_for("ru-approver", "RU", ["approver"])),
        "kz": ru.as_user(token_for("kz-user", "KZ")),
    }


def test_item_round_trip(clients):
    ru, kz = clients["ru"], clients["kz"]
    made = ru.manufacturer_create(
        {"code": "A700F", "names": {"ru": "Завод «Винт»", "en": "Screw Works"}, "country": "RU"}
    )
    assert made.status == 201, made.body

    first = ru.item_create(
        {
            "supply_class": "5310",
            "item_name": "10101",
            "references": [{"number": "АБВГ.715432.010", "manufacturer": "A700F"}],
            "characteristics": {"THDD": "10 mm"},
        }
    )
    assert first.status == 201, first.body
    old = first.body["catalogue_number"]

    found = ru.reference_lookup(number="abvg 715432 010")
    assert [hit["catalogue_number"] for hit in found.body] == [old]

    registered = kz.item_registration_add({}, number=old, if_match=first.header("ETag"))
    assert (registered.status, registered.body["bureau"]) == (201, "KZ")

    second = ru.item_create(
        {"supply_class": "5310", "item_name": "10101", "characteristics": {"THDD": "10 mm"}}
    )
    assert second.status == 201, second.body
    new = second.body["catalogue_number"]

    read = ru.item_get(number=old)
    refused = ru.item_cancel({"reason": "C", "replacement": new}, number=old)
    assert (refused.status, refused.body["code"]) == (428, "IF_MATCH_REQUIRED")
    cancelled = ru.item_cancel(
        {"reason": "C", "replacement": new}, number=old, if_match=read.header("ETag")
    )
    assert cancelled.status == 200, cancelled.body
    assert (cancelled.body["status"]["code"], cancelled.body["replaced_by"]) == ("3", new)

    looked_up = ru.reference_lookup(number="АБВГ.715432.010")
    assert [(h["catalogue_number"], h["replaced_by"]) for h in looked_up.body] == [(old, new)]
    assert ru.item_get(number=old).body["replaced_by"] == new
    history = ru.item_history(number=old).body["items"]
    assert history[-1]["action"] == "cancelled"


def test_codification_request_round_trip(clients):
    ru, approver = clients["ru"], clients["ru_approver"]
    # The round trip uses only what the document declares: a renamed or lost operation fails
    # here with its name, not later with an AttributeError.
    missing = {"request_create", "request_line_add", "request_transition", "request_line_decide",
               "request_get"} - set(ru.operations)  # fmt: skip
    assert not missing, f"operations missing from the document: {sorted(missing)}"
    assert (
        ru.manufacturer_create(
            {"code": "A701F", "names": {"en": "Nut Works"}, "country": "RU"}
        ).status
        == 201
    )

    created = ru.request_create({"title": "Nuts"})
    assert created.status == 201, created.body
    request_id = created.body["id"]
    line = {
        "item_name": "10101",
        "supply_class": "5310",
        "references": [{"number": "ГАЙ-М12-01", "manufacturer_code": "A701F"}],
        "characteristics": {"THDD": "12 mm"},
    }
    added = ru.request_line_add(line, request_id=request_id, if_match=created.header("ETag"))
    assert added.status == 201, added.body
    etag = added.header("ETag")
    for step in ("submit", "screen"):
        moved = ru.request_transition({}, request_id=request_id, transition=step, if_match=etag)
        assert moved.status == 200, moved.body
        etag = moved.header("ETag")
    assert moved.body["lines"][0]["verdict"] == "no_duplicate"

    line_version = moved.body["lines"][0]["row_version"]
    decided = ru.request_line_decide(
        {"decision": "assign"}, request_id=request_id, position=1, if_match=f'W/"{line_version}"'
    )
    assert decided.status == 200, decided.body
    etag = ru.request_get(request_id=request_id).header("ETag")
    moved = ru.request_transition(
        {"reason": "new item"}, request_id=request_id, transition="decide", if_match=etag
    )
    assert moved.status == 200, moved.body

    four_eyes = ru.request_transition(
        {}, request_id=request_id, transition="approve", if_match=moved.header("ETag")
    )
    assert (four_eyes.status, four_eyes.body["code"]) == (403, "FOUR_EYES")
    approved = approver.request_transition(
        {}, request_id=request_id, transition="approve", if_match=moved.header("ETag")
    )
    assert approved.status == 200, approved.body
    published = approver.request_transition(
        {}, request_id=request_id, transition="publish", if_match=approved.header("ETag")
    )
    assert published.status == 200, published.body

    number = published.body["lines"][0]["result_item"]
    item = ru.item_get(number=number).body
    assert item["references"][0]["number"] == "ГАЙ-М12-01"
    assert [r["bureau"] for r in item["registrations"]] == ["RU"]
