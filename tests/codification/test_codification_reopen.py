"""An approved request that cannot be published has a way out: back to decision, with the reason
kept in its history and the audit log; and every text typed into a request has a limit."""

from typing import get_args

import pytest

from katalog.audit.models import AuditEntry
from katalog.catalog.models import Registration
from katalog.codification import services
from katalog.codification.models import RequestState, RequestTransition
from katalog.codification.workflow import TRANSITIONS, TransitionName
from katalog.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.codification.codification_helpers import (
    approved_registration,
    drive,
    line_args,
    new_draft,
)
from tests.factories import bureau

pytestmark = pytest.mark.django_db


def test_a_failed_publish_says_which_line_and_the_way_out(people, maker):
    request, item = approved_registration(people, maker)
    with pytest.raises(Conflict) as caught:
        services.request_publish(actor=people["approver"], request=request)
    assert caught.value.code == "ALREADY_REGISTERED"
    assert caught.value.data["publish_failed"] is True
    assert caught.value.data["line"] == 1
    assert caught.value.data["way_out"] == "reopen"
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert Registration.objects.filter(item=item, bureau__key="RU").count() == 1


def test_an_approved_request_returns_to_decision_with_the_reason_recorded(people, maker):
    request, _item = approved_registration(people, maker)
    version = request.row_version
    reopened = services.request_reopen(
        actor=people["approver"],
        request=request,
        reason="RU is already a user of the item",
        expected_version=version,
    )
    assert reopened.state == RequestState.SCREENED
    assert reopened.approved_by is None
    assert reopened.decided_by is None
    assert reopened.row_version == version + 1
    step = RequestTransition.objects.filter(request=request).last()
    assert (step.name, step.from_state, step.to_state) == ("reopen", "approved", "screened")
    assert step.reason == "RU is already a user of the item"
    assert step.actor == people["approver"]
    event = (
        AuditEntry.objects.filter(object_type="request", object_key=str(request.pk))
        .order_by("seq")
        .last()
    )
    assert event.action == "request_reopen"
    assert event.reason == "RU is already a user of the item"
    # The line keeps its decision to be changed, then the request goes through four eyes again.
    line = request.lines.get()
    assert line.decision == "register"
    services.request_line_decide(
        actor=people["decider"], line=line, decision="reject", reject_reason="duplicate_request"
    )
    services.request_decide(actor=people["decider"], request=reopened)
    services.request_approve(actor=people["approver"], request=reopened)
    published = services.request_publish(actor=people["approver"], request=reopened)
    assert published.state == RequestState.PUBLISHED


def test_returning_to_decision_needs_a_reason_and_changes_nothing_without(people, maker):
    request, _item = approved_registration(people, maker)
    version = request.row_version
    with pytest.raises(ValidationFailed) as caught:
        services.request_reopen(actor=people["approver"], request=request, reason="  ")
    assert caught.value.code == "REASON_REQUIRED"
    request.refresh_from_db()
    assert (request.state, request.row_version) == (RequestState.APPROVED, version)


@pytest.mark.parametrize("state", [RequestState.DECIDED, RequestState.PUBLISHED])
def test_only_an_approved_request_returns_to_decision(people, maker, state):
    request = drive(people, new_draft(people["author"]), state)
    with pytest.raises(Conflict) as caught:
        services.request_reopen(actor=people["approver"], request=request, reason="why")
    assert caught.value.code == "ILLEGAL_TRANSITION"
    request.refresh_from_db()
    assert request.state == state


def test_another_bureau_cannot_return_a_request_to_decision(people, maker, outsider):
    request, _item = approved_registration(people, maker)
    with pytest.raises(PermissionDenied) as caught:
        services.request_reopen(actor=outsider, request=request, reason="why")
    assert caught.value.code == "NOT_SAME_BUREAU"
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED


def test_every_step_of_the_workflow_has_its_service():
    assert set(services.TRANSITION_SERVICES) == set(TRANSITIONS)


def test_the_steps_the_front_ends_take_by_name_are_the_workflow_steps():
    assert list(get_args(TransitionName)) == list(TRANSITIONS)


def test_the_steps_offered_leave_out_what_would_be_refused(people, maker, approver):
    request = drive(people, new_draft(people["author"]), RequestState.DECIDED)
    assert "approve" not in services.request_steps_for(people["author"], request)
    assert "approve" not in services.request_steps_for(people["decider"], request)
    assert "approve" in services.request_steps_for(approver, request)
    # A cataloguer without the approver's role is not offered approval at all.
    from tests.factories import UserFactory

    plain = UserFactory(username="ru-plain", bureau=bureau("RU"))
    assert services.request_steps_for(plain, request) == ["return", "reject"]


# --- limits -------------------------------------------------------------------------------------


def test_a_reason_over_its_limit_is_refused_naming_the_limit(people, maker):
    request, _item = approved_registration(people, maker)
    version = request.row_version
    with pytest.raises(ValidationFailed) as caught:
        services.request_reopen(actor=people["approver"], request=request, reason="x" * 100_000)
    assert caught.value.code == "TEXT_TOO_LONG"
    assert caught.value.errors[0].field == "reason"
    assert str(services.REASON_MAX) in caught.value.message.replace(",", "")
    request.refresh_from_db()
    assert (request.state, request.row_version) == (RequestState.APPROVED, version)
    assert not RequestTransition.objects.filter(request=request, name="reopen").exists()


def test_a_reject_reason_of_100000_characters_is_not_stored(people, maker):
    request = drive(people, new_draft(people["author"]), RequestState.SUBMITTED)
    with pytest.raises(ValidationFailed) as caught:
        services.request_reject(actor=people["approver"], request=request, reason="y" * 100_000)
    assert caught.value.code == "TEXT_TOO_LONG"
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_a_reason_at_its_limit_is_kept_whole(people, maker):
    request = drive(people, new_draft(people["author"]), RequestState.SUBMITTED)
    reason = "z" * services.REASON_MAX
    services.request_reject(actor=people["approver"], request=request, reason=reason)
    assert RequestTransition.objects.get(request=request, name="reject").reason == reason


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("title", services.TITLE_MAX),
        ("project_code", services.PROJECT_CODE_MAX),
        ("contract_number", services.CONTRACT_NUMBER_MAX),
    ],
)
def test_request_header_texts_have_limits(author, field, limit):
    with pytest.raises(ValidationFailed) as caught:
        services.request_create(actor=author, **{field: "n" * (limit + 1)})
    assert caught.value.code == "TEXT_TOO_LONG"
    assert caught.value.errors[0].field == field
    assert caught.value.data == {"field": field, "max": limit, "length": limit + 1}
    from katalog.codification.models import CodificationRequest

    assert not CodificationRequest.objects.exists()


def test_a_line_name_and_a_reply_over_their_limits_are_refused(author, maker):
    request = services.request_create(actor=author)
    with pytest.raises(ValidationFailed) as caught:
        services.request_line_add(
            actor=author, request=request, **line_args(name_text="b" * (services.NAME_TEXT_MAX + 1))
        )
    assert caught.value.errors[0].field == "name_text"
    with pytest.raises(ValidationFailed) as caught:
        services.request_line_add(
            actor=author,
            request=request,
            **line_args(characteristics={"MATL": "c" * (services.REPLY_MAX + 1)}),
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("characteristics.MATL", "TEXT_TOO_LONG")
    ]
    assert not request.lines.exists()


def test_a_decision_note_over_its_limit_is_refused(people, maker):
    request = drive(people, new_draft(people["author"]), RequestState.SCREENED)
    line = request.lines.get()
    version = line.row_version
    with pytest.raises(ValidationFailed) as caught:
        services.request_line_decide(
            actor=people["decider"],
            line=line,
            decision="assign",
            note="n" * (services.NOTE_MAX + 1),
        )
    assert caught.value.errors[0].field == "note"
    line.refresh_from_db()
    assert (line.decision, line.note, line.row_version) == ("", "", version)
