"""Over the REST API, a failed publish says which line failed and names the way out, and the
approved request returns to decision with its reason."""

import pytest

from katalog.codification.models import RequestState, RequestTransition
from tests.codification.codification_helpers import approved_registration
from tests.codification.test_codification_api import BASE, Caller

pytestmark = pytest.mark.django_db


def test_a_failed_publish_is_left_by_reopening_over_http(people, maker):
    request, _item = approved_registration(people, maker)
    approver = Caller(people["approver"])
    url = f"{BASE}/{request.pk}"
    etag = approver.get(url)["ETag"]
    failed = approver.post(f"{url}/publish", etag=etag)
    assert failed.status_code == 409
    problem = failed.json()
    assert problem["code"] == "ALREADY_REGISTERED"
    assert (problem["publish_failed"], problem["line"], problem["way_out"]) == (True, 1, "reopen")
    detail = approver.get(url).json()
    assert detail["state"] == "approved"
    assert "reopen" in detail["allowed_transitions"]

    no_reason = approver.post(f"{url}/reopen", {"reason": ""}, etag=etag)
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "REASON_REQUIRED"

    reopened = approver.post(f"{url}/reopen", {"reason": "RU already uses the item"}, etag=etag)
    assert reopened.status_code == 200, reopened.content
    body = reopened.json()
    assert body["state"] == RequestState.SCREENED
    assert body["approved_by"] is None
    assert body["transitions"][-1]["name"] == "reopen"
    assert body["transitions"][-1]["reason"] == "RU already uses the item"
    assert RequestTransition.objects.filter(request=request, name="reopen").count() == 1


def test_a_reason_over_its_limit_is_a_problem_naming_the_limit_over_http(people, maker):
    request, _item = approved_registration(people, maker)
    approver = Caller(people["approver"])
    url = f"{BASE}/{request.pk}"
    etag = approver.get(url)["ETag"]
    refused = approver.post(f"{url}/reopen", {"reason": "x" * 100_000}, etag=etag)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "TEXT_TOO_LONG"
    assert (problem["max"], problem["length"]) == (2000, 100_000)
    assert problem["errors"][0]["field"] == "reason"
    assert approver.get(url).json()["state"] == "approved"
