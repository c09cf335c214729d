import datetime as dt

import pytest
from django.utils import timezone

from katalog.codification import services
from katalog.codification.models import RequestState, RequestTransition
from katalog.codification.workflow import TRANSITIONS
from katalog.core.errors import (
    Conflict,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
    ValidationFailed,
)
from tests.codification.codification_helpers import STEP, apply, drive, line_args, new_draft
from tests.factories import UserFactory, bureau, grant_role

LEGAL = [(name, state) for name, t in TRANSITIONS.items() for state in sorted(t.sources)]
ILLEGAL = [
    (name, state)
    for name, t in TRANSITIONS.items()
    for state in RequestState.values
    if state not in t.sources
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state"), LEGAL)
def test_every_legal_transition_moves_the_request_and_is_recorded(people, maker, name, state):
    request = drive(people, new_draft(people["author"]), state)
    moved = apply(people, request, name)
    assert moved.state == TRANSITIONS[name].target
    step = RequestTransition.objects.filter(request=request).order_by("-id").first()
    assert (step.name, step.from_state, step.to_state) == (name, state, moved.state)
    assert step.actor is not None
    assert step.reason == "checked"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state"), ILLEGAL)
def test_every_illegal_transition_is_refused_and_changes_nothing(people, maker, name, state):
    request = drive(people, new_draft(people["author"]), state)
    before = (request.state, request.row_version, request.transitions.count())
    with pytest.raises(Conflict) as caught:
        apply(people, request, name)
    assert caught.value.code == "ILLEGAL_TRANSITION"
    request.refresh_from_db()
    assert (request.state, request.row_version, request.transitions.count()) == before


@pytest.mark.django_db
def test_the_author_and_the_decider_cannot_approve(people, maker):
    grant_role(people["author"], "approver")
    request = drive(people, new_draft(people["author"]), RequestState.DECIDED)
    for who in ("author", "decider"):
        with pytest.raises(PermissionDenied) as caught:
            services.request_approve(actor=people[who], request=request)
        assert caught.value.code == "FOUR_EYES"
    request.refresh_from_db()
    assert request.state == RequestState.DECIDED


@pytest.mark.django_db
def test_who_decided_a_line_cannot_approve_even_if_another_closed_the_decisions(people, maker):
    line_decider = UserFactory(username="ru-line-decider", bureau=bureau("RU"), roles=["approver"])
    request = drive(people, new_draft(people["author"]), RequestState.SCREENED)
    line = request.lines.get(position=1)
    services.request_line_decide(actor=line_decider, line=line, decision="assign")
    request = services.request_decide(actor=people["decider"], request=request)
    with pytest.raises(PermissionDenied) as caught:
        services.request_approve(actor=line_decider, request=request)
    assert caught.value.code == "FOUR_EYES"
    request.refresh_from_db()
    assert request.state == RequestState.DECIDED
    approved = services.request_approve(actor=people["approver"], request=request)
    assert approved.state == RequestState.APPROVED


@pytest.mark.django_db
def test_approval_needs_an_approver_of_the_same_bureau_even_for_a_superuser(
    people, maker, outsider
):
    request = drive(people, new_draft(people["author"]), RequestState.DECIDED)
    grant_role(outsider, "approver")
    root = UserFactory(username="root", bureau=bureau("RU"), is_superuser=True, roles=[])
    cataloguer = UserFactory(username="ru-plain", bureau=bureau("RU"))
    for stranger, code in ((outsider, "NOT_SAME_BUREAU"), (root, "MISSING_ROLE"),
                           (cataloguer, "MISSING_ROLE")):  # fmt: skip
        with pytest.raises(PermissionDenied) as caught:
            services.request_approve(actor=stranger, request=request)
        assert caught.value.code == code
    approved = services.request_approve(actor=people["approver"], request=request)
    assert (approved.state, approved.approved_by) == (RequestState.APPROVED, people["approver"])


@pytest.mark.django_db
def test_another_bureau_cannot_touch_the_request(people, maker, outsider):
    request = new_draft(people["author"])
    with pytest.raises(PermissionDenied) as caught:
        services.request_line_add(actor=outsider, request=request, **line_args())
    assert caught.value.code == "NOT_SAME_BUREAU"
    with pytest.raises(PermissionDenied):
        services.request_submit(actor=outsider, request=request)


@pytest.mark.django_db
def test_a_stale_version_is_refused(people, maker):
    request = new_draft(people["author"])
    read = request.row_version
    services.request_line_add(
        actor=people["author"], request=request, expected_version=read, **line_args("X-2")
    )
    with pytest.raises(PreconditionFailed) as caught:
        services.request_submit(actor=people["author"], request=request, expected_version=read)
    assert caught.value.code == "VERSION_STALE"
    request.refresh_from_db()
    submitted = services.request_submit(
        actor=people["author"], request=request, expected_version=request.row_version
    )
    assert submitted.row_version == read + 2


@pytest.mark.django_db
def test_submission_needs_a_line_and_sets_the_due_date_from_the_priority(author, maker):
    empty = services.request_create(actor=author, priority="emergency")
    with pytest.raises(RuleViolation) as caught:
        services.request_submit(actor=author, request=empty)
    assert caught.value.code == "NO_LINES"
    request = new_draft(author)  # accelerated
    submitted = services.request_submit(actor=author, request=request)
    assert submitted.due_date == timezone.localdate() + dt.timedelta(days=10)


@pytest.mark.django_db
def test_lines_change_only_in_a_draft(people, maker):
    request = drive(people, new_draft(people["author"]), RequestState.SUBMITTED)
    with pytest.raises(Conflict) as caught:
        services.request_line_add(actor=people["author"], request=request, **line_args("X-3"))
    assert caught.value.code == "REQUEST_NOT_DRAFT"
    with pytest.raises(Conflict):
        services.request_line_update(
            actor=people["author"], line=request.lines.get(), name_text="x"
        )


@pytest.mark.django_db
def test_characteristic_replies_are_checked_against_the_guide_all_at_once(author, maker):
    request = services.request_create(actor=author)
    bad = line_args(
        characteristics={"THDD": "12.5 kg", "MATL": "unobtainium", "XXXX": "1"}, locale="en"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.request_line_add(actor=author, request=request, **bad)
    assert caught.value.code == "INVALID_CHARACTERISTICS"
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("characteristics.THDD", "UNIT_WRONG_QUANTITY"),
        ("characteristics.MATL", "REPLY_CODE_UNKNOWN"),
        ("characteristics.XXXX", "UNKNOWN_CHARACTERISTIC"),
    }
    assert not request.lines.exists()


@pytest.mark.django_db
def test_unknown_manufacturer_in_a_line_is_refused(author, maker):
    request = services.request_create(actor=author)
    with pytest.raises(ValidationFailed) as caught:
        services.request_line_add(actor=author, request=request, **line_args(maker_code="ZZZZZ"))
    assert caught.value.code == "UNKNOWN_MANUFACTURER"
    assert caught.value.errors[0].field == "references[0].manufacturer_code"


@pytest.mark.django_db
def test_line_update_keeps_what_is_not_given_and_checks_its_version(author, maker):
    request = new_draft(author)
    line = request.lines.get()
    changed = services.request_line_update(
        actor=author, line=line, name_text="Bolt M12x50", expected_version=1
    )
    assert (changed.name_text, changed.supply_class, changed.row_version) == (
        "Bolt M12x50",
        "5310",
        2,
    )
    with pytest.raises(PreconditionFailed):
        services.request_line_update(actor=author, line=line, name_text="again", expected_version=1)


@pytest.mark.django_db
def test_deciding_needs_every_line_decided(people, maker):
    request = drive(people, new_draft(people["author"]), RequestState.SCREENED)
    with pytest.raises(RuleViolation) as caught:
        STEP["decide"](actor=people["decider"], request=request)
    assert caught.value.code == "LINES_UNDECIDED"


@pytest.mark.django_db
def test_return_and_reject_need_a_reason(people, maker):
    request = drive(people, new_draft(people["author"]), RequestState.DECIDED)
    with pytest.raises(ValidationFailed):
        services.request_return(actor=people["approver"], request=request, reason=" ")
    with pytest.raises(ValidationFailed):
        services.request_reject(actor=people["approver"], request=request, reason="")
    returned = services.request_return(
        actor=people["approver"], request=request, reason="check the class"
    )
    assert (returned.state, returned.decided_by) == (RequestState.SCREENED, None)
