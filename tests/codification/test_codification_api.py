import json

import pytest
from django.test import Client

from katalog.accounts.tokens import token_create
from katalog.codification.models import CodificationRequest
from katalog.core.actors import SYSTEM_OPERATOR
from tests.codification.codification_helpers import line_args

BASE = "/api/v1/requests"


class Caller:
    """An API client acting as one person through a bearer token."""

    def __init__(self, user):
        _record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="tests")
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {token}"}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.auth)

    def post(self, path, body=None, etag=None):
        headers = dict(self.auth, **({"If-Match": etag} if etag else {}))
        return self.client.post(
            path, json.dumps(body or {}), content_type="application/json", headers=headers
        )

    def put(self, path, body, etag):
        headers = dict(self.auth, **{"If-Match": etag})
        return self.client.put(
            path, json.dumps(body), content_type="application/json", headers=headers
        )


def api_line() -> dict:
    args = line_args()
    return {
        "item_name": args["item_name_code"],
        "supply_class": args["supply_class"],
        "name_text": args["name_text"],
        "references": args["references"],
        "characteristics": args["characteristics"],
        "locale": args["locale"],
    }


@pytest.fixture
def callers(people, outsider):
    return {name: Caller(user) for name, user in {**people, "outsider": outsider}.items()}


@pytest.mark.django_db
def test_a_request_goes_from_draft_to_published_over_http(callers, maker):
    author, decider, approver = callers["author"], callers["decider"], callers["approver"]
    created = author.post(BASE, {"title": "Fasteners", "priority": "emergency"})
    assert created.status_code == 201, created.content
    url, etag = created["Location"], created["ETag"]
    assert etag == 'W/"1"'
    assert created.json()["state"] == "draft"

    added = author.post(f"{url}/lines", api_line(), etag=etag)
    assert added.status_code == 201, added.content
    etag = added["ETag"]
    assert added.json()["lines"][0]["references"][0]["manufacturer_code"] == "A501F"

    for name, caller in [("submit", author), ("screen", author)]:
        moved = caller.post(f"{url}/{name}", etag=etag)
        assert moved.status_code == 200, moved.content
        etag = moved["ETag"]
    body = moved.json()
    assert body["state"] == "screened"
    assert body["due_date"]
    assert body["lines"][0]["verdict"] == "no_duplicate"

    line = body["lines"][0]
    decided = decider.post(
        f"{url}/lines/1/decision", {"decision": "assign"}, etag=f'W/"{line["row_version"]}"'
    )
    assert decided.status_code == 200, decided.content
    etag = decider.get(url)["ETag"]
    moved = decider.post(f"{url}/decide", {"reason": "new item"}, etag=etag)
    assert moved.status_code == 200
    etag = moved["ETag"]

    refused = decider.post(f"{url}/approve", etag=etag)
    assert (refused.status_code, refused.json()["code"]) == (403, "FOUR_EYES")
    approved = approver.post(f"{url}/approve", etag=etag)
    assert approved.status_code == 200
    published = approver.post(f"{url}/publish", etag=approved["ETag"])
    assert published.status_code == 200, published.content
    body = published.json()
    assert body["state"] == "published"
    assert body["lines"][0]["result_item"].startswith("5310-")
    assert [t["name"] for t in body["transitions"]] == [
        "create",
        "submit",
        "screen",
        "decide",
        "approve",
        "publish",
    ]


@pytest.mark.django_db
def test_versions_and_states_are_enforced_over_http(callers, maker):
    author = callers["author"]
    created = author.post(BASE, {})
    url = created["Location"]
    missing = author.post(f"{url}/lines", api_line())
    assert (missing.status_code, missing.json()["code"]) == (428, "IF_MATCH_REQUIRED")
    added = author.post(f"{url}/lines", api_line(), etag=created["ETag"])
    stale = author.post(f"{url}/submit", etag=created["ETag"])
    assert (stale.status_code, stale.json()["code"]) == (412, "VERSION_STALE")
    illegal = callers["approver"].post(f"{url}/approve", etag=added["ETag"])
    assert (illegal.status_code, illegal.json()["code"]) == (409, "ILLEGAL_TRANSITION")
    unknown = author.post(f"{url}/fly", etag=added["ETag"])
    assert unknown.status_code == 422
    changed = author.put(f"{url}/lines/1", {"name_text": "Bolt M12x60"}, etag='W/"1"')
    assert (changed.status_code, changed["ETag"], changed.json()["name_text"]) == (
        200,
        'W/"2"',
        "Bolt M12x60",
    )


@pytest.mark.django_db
def test_other_bureaus_neither_see_nor_change_a_request(callers, maker):
    created = callers["author"].post(BASE, {"title": "ours"})
    url = created["Location"]
    outsider = callers["outsider"]
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}/submit", etag=created["ETag"]).status_code == 404
    assert outsider.get(BASE).json()["items"] == []
    anonymous = Client().post(BASE, "{}", content_type="application/json")
    assert anonymous.status_code == 401


@pytest.mark.django_db
def test_the_list_is_keyset_paginated_and_filtered(callers, maker):
    author = callers["author"]
    for priority in ("routine", "emergency", "routine"):
        author.post(BASE, {"priority": priority})
    ids = list(CodificationRequest.objects.order_by("-id").values_list("id", flat=True))
    first = author.get(BASE, limit=2).json()
    assert [r["id"] for r in first["items"]] == ids[:2]
    assert first["next"]
    second = author.get(BASE, limit=2, after=first["next"]).json()
    assert [r["id"] for r in second["items"]] == ids[2:]
    assert second["next"] is None
    urgent = author.get(BASE, priority="emergency").json()["items"]
    assert [r["priority"] for r in urgent] == ["emergency"]
    assert author.get(BASE, state="published").json()["items"] == []
    # The one cursor format of every list: an id typed by hand is not one the API gave out.
    refused = author.get(BASE, after=str(ids[1]))
    assert refused.status_code == 422
    assert refused.json()["code"] == "INVALID_CURSOR"


@pytest.mark.django_db
def test_documents_are_attached_and_stored_under_media_root(callers, maker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    author = callers["author"]
    created = author.post(BASE, {})
    author.post(f"{created['Location']}/lines", api_line(), etag=created["ETag"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("drawing.pdf", b"%PDF-1.4 drawing", content_type="application/pdf")
    answer = author.client.post(
        f"{created['Location']}/documents",
        {"file": upload, "title": "Drawing", "line": 1},
        headers=author.auth,
    )
    assert answer.status_code == 201, answer.content
    document = CodificationRequest.objects.get().documents.get()
    assert (document.title, document.line.position) == ("Drawing", 1)
    assert (tmp_path / document.file.name).read_bytes() == b"%PDF-1.4 drawing"
    # The address the API gives is where the document is read, by those who see the request.
    url = answer.json()["url"]
    assert url == f"{created['Location']}/documents/{document.pk}"
    listed = author.get(created["Location"]).json()["documents"]
    assert [(d["title"], d["line"], d["url"]) for d in listed] == [("Drawing", 1, url)]
    read = author.get(url)
    assert read.status_code == 200
    assert read["Content-Type"] == "application/pdf"
    assert "attachment" in read["Content-Disposition"]
    assert b"".join(read.streaming_content) == b"%PDF-1.4 drawing"
    assert callers["outsider"].get(url).status_code == 404
    assert author.get(f"{url}9").json()["code"] == "DOCUMENT_NOT_FOUND"
