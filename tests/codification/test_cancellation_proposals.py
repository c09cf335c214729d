"""Proposals to cancel an item as a duplicate: anyone who catalogues proposes, only an approver of
the item's assigning bureau who did not propose it decides, and approval is the catalogue's own
cancel-as-duplicate (references and users move to the kept item)."""

from __future__ import annotations

import pytest
from django.test import Client

from katalog.accounts.tokens import token_create
from katalog.audit.models import AuditEntry
from katalog.catalog import services as catalog
from katalog.catalog.errors import CatalogErrorCode
from katalog.catalog.models import Item, ItemStatus, Registration
from katalog.codification import services
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import ProposalState
from katalog.codification.selectors import cancellation_proposal_get, cancellation_proposals
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from tests.api.conftest import TokenClient
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Two Russian items, the first registered by Kazakhstan as a user."""
    first, second = make_item("RU"), make_item("RU")
    catalog.registration_add(actor=SYSTEM_INIT, item=first, bureau=bureau("KZ"))
    return first, second


@pytest.fixture
def people():
    return {
        "centre": UserFactory(username="mc-cataloguer", bureau=bureau("MC"),
                              roles=["centre_cataloguer"]),
        "ru_approver": UserFactory(username="ru-approver", bureau=bureau("RU"), roles=["approver"]),
        "ru_other": UserFactory(username="ru-approver-2", bureau=bureau("RU"), roles=["approver"]),
        "ru_cataloguer": UserFactory(username="ru-cat", bureau=bureau("RU")),
        "kz_approver": UserFactory(username="kz-approver", bureau=bureau("KZ"), roles=["approver"]),
        "by_cataloguer": UserFactory(username="by-cat", bureau=bureau("BY")),
    }  # fmt: skip


def test_the_centre_proposes_and_the_assigning_bureaus_approver_cancels(pair, people):
    first, second = pair
    proposal = services.cancellation_propose(
        actor=people["centre"], item=first, kept=second, note="same drawing"
    )
    assert Item.objects.get(pk=first.pk).status == ItemStatus.ACTIVE  # nothing happens yet
    decided = services.cancellation_approve(actor=people["ru_approver"], proposal=proposal)
    assert decided.state == ProposalState.APPROVED
    assert decided.decided_by == people["ru_approver"]
    cancelled = Item.objects.get(pk=first.pk)
    assert (cancelled.status, cancelled.replaced_by_id) == (
        ItemStatus.CANCELLED_DUPLICATE, second.pk,
    )  # fmt: skip
    assert Registration.objects.filter(
        item=second, bureau=bureau("KZ"), effective_to__isnull=True
    ).exists()
    actions = list(
        AuditEntry.objects.filter(object_type="cancellation_proposal").values_list(
            "action", flat=True
        )
    )
    assert actions == ["cancellation_proposed", "cancellation_approved"]


def test_only_an_approver_of_the_assigning_bureau_who_did_not_propose_decides(pair, people):
    first, second = pair
    own = services.cancellation_propose(actor=people["ru_approver"], item=first, kept=second)
    with pytest.raises(PermissionDenied) as four_eyes:
        services.cancellation_approve(actor=people["ru_approver"], proposal=own)
    assert four_eyes.value.code == E.FOUR_EYES
    with pytest.raises(PermissionDenied) as other_bureau:
        services.cancellation_approve(actor=people["kz_approver"], proposal=own)
    assert other_bureau.value.code == E.NOT_SAME_BUREAU
    with pytest.raises(PermissionDenied):  # a cataloguer, not an approver
        services.cancellation_approve(actor=people["ru_cataloguer"], proposal=own)
    assert Item.objects.get(pk=first.pk).status == ItemStatus.ACTIVE
    services.cancellation_approve(actor=people["ru_other"], proposal=own)
    assert Item.objects.get(pk=first.pk).status == ItemStatus.CANCELLED_DUPLICATE


def test_a_rejection_needs_a_reason_keeps_the_item_and_closes_the_proposal(pair, people):
    first, second = pair
    proposal = services.cancellation_propose(actor=people["centre"], item=first, kept=second)
    with pytest.raises(RuleViolation) as no_reason:
        services.cancellation_reject(actor=people["ru_approver"], proposal=proposal, reason=" ")
    assert no_reason.value.code == E.REASON_REQUIRED
    rejected = services.cancellation_reject(
        actor=people["ru_approver"], proposal=proposal, reason="different material"
    )
    assert (rejected.state, rejected.decision_note) == (
        ProposalState.REJECTED,
        "different material",
    )
    assert Item.objects.get(pk=first.pk).status == ItemStatus.ACTIVE
    with pytest.raises(Conflict) as closed:
        services.cancellation_approve(actor=people["ru_other"], proposal=proposal)
    assert closed.value.code == E.PROPOSAL_CLOSED
    # Once decided, the item may be proposed again.
    services.cancellation_propose(actor=people["centre"], item=first, kept=second)


def test_one_open_proposal_per_item_and_none_for_a_cancelled_item(pair, people):
    first, second = pair
    services.cancellation_propose(actor=people["centre"], item=first, kept=second)
    with pytest.raises(Conflict) as again:
        services.cancellation_propose(actor=people["ru_cataloguer"], item=first, kept=second)
    assert again.value.code == E.PROPOSAL_OPEN
    with pytest.raises(RuleViolation):  # an item does not replace itself
        services.cancellation_propose(actor=people["centre"], item=second, kept=second)
    catalog.item_cancel(actor=SYSTEM_INIT, item=second, reason="B")
    with pytest.raises(Conflict):  # already cancelled
        services.cancellation_propose(actor=people["centre"], item=second, kept=first)


def test_a_proposal_is_read_by_the_bureau_deciding_it_and_the_one_that_made_it(pair, people):
    first, second = pair
    proposal = services.cancellation_propose(actor=people["centre"], item=first, kept=second)
    for reader in ("centre", "ru_cataloguer"):
        assert cancellation_proposal_get(proposal.pk, reader=people[reader]) == proposal
        assert cancellation_proposals(reader=people[reader]).rows == [proposal]
    assert cancellation_proposals(reader=people["by_cataloguer"]).rows == []
    with pytest.raises(NotFound):
        cancellation_proposal_get(proposal.pk, reader=people["by_cataloguer"])


def _api(user) -> TokenClient:
    _record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="tests")
    return TokenClient(token)


def test_over_the_api_the_centre_proposes_and_the_bureau_approves(pair, people):
    first, second = pair
    centre = _api(people["centre"])
    made = centre.post(
        "/api/v1/cancellation-proposals",
        {"item": first.catalogue_number, "kept": second.catalogue_number},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["item_bureau"], body["state"], body["proposed_by"]) == (
        "RU", "open", "mc-cataloguer",
    )  # fmt: skip
    unknown = centre.post("/api/v1/cancellation-proposals", {"item": "5310-57-999-9999",
                                                             "kept": second.catalogue_number})  # fmt: skip
    assert unknown.status_code == 422
    assert unknown.json()["code"] == CatalogErrorCode.UNKNOWN_ITEM
    refused = centre.post(f"/api/v1/cancellation-proposals/{body['id']}/approve", {})
    assert refused.status_code == 403
    approver = _api(people["ru_approver"])
    listed = approver.get("/api/v1/cancellation-proposals?state=open").json()
    assert [p["id"] for p in listed["items"]] == [body["id"]]
    approved = approver.post(f"/api/v1/cancellation-proposals/{body['id']}/approve", {})
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    assert Item.objects.get(pk=first.pk).status == ItemStatus.CANCELLED_DUPLICATE
    closed = approver.post(
        f"/api/v1/cancellation-proposals/{body['id']}/reject", {"reason": "late"}
    )
    assert closed.status_code == 409
    assert closed.json()["code"] == E.PROPOSAL_CLOSED


def test_the_page_offers_the_decision_to_the_approver_only(pair, people):
    first, second = pair
    proposal = services.cancellation_propose(actor=people["centre"], item=first, kept=second)
    centre = Client()
    centre.force_login(people["centre"])
    seen = centre.get("/cancellations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Cancel {first.catalogue_number} as a duplicate of {second.catalogue_number}" in seen
    assert "Approve and cancel the item" not in seen
    approver = Client()
    approver.force_login(people["ru_approver"])
    page = approver.get("/cancellations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Approve and cancel the item" in page
    done = approver.post(
        f"/cancellations/{proposal.pk}/decide/", {"decision": "reject", "reason": "not the same"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert done.status_code == 302
    after = approver.get(done["Location"] + "?state=rejected", HTTP_ACCEPT_LANGUAGE="en")
    assert "not the same" in after.content.decode()
    assert Item.objects.get(pk=first.pk).status == ItemStatus.ACTIVE
