"""Helpers for codification tests: line arguments and a driver that takes a request through
the workflow to any state with the right person for each step."""

from __future__ import annotations

from katalog.catalog import services as catalog
from katalog.codification import services
from katalog.codification.models import CodificationRequest, RequestState
from katalog.core.actors import SYSTEM_INIT
from tests.factories import bureau, make_item


def line_args(number: str = "АБВГ.303.001", maker_code: str = "A501F", **extra):
    args = {
        "item_name_code": "10101",
        "supply_class": "5310",
        "name_text": "Bolt M12",
        "references": [{"number": number, "manufacturer_code": maker_code}],
        "characteristics": {"THDD": "12 mm", "MATL": "нержавеющая сталь"},
        "locale": "ru",
    }
    args.update(extra)
    return args


def new_draft(author, *lines) -> CodificationRequest:
    request = services.request_create(
        actor=author, title="Fasteners", project_code="P-1", priority="accelerated"
    )
    for args in lines or (line_args(),):
        services.request_line_add(actor=author, request=request, **args)
    request.refresh_from_db()
    return request


def decide_all(decider, request, decision: str = "assign") -> None:
    for line in request.lines.all():
        kwargs = {"reject_reason": "other"} if decision == "reject" else {}
        services.request_line_decide(actor=decider, line=line, decision=decision, **kwargs)


# Who performs each transition in the normal course (approval needs a second person).
ACTOR_OF = {
    "submit": "author",
    "screen": "author",
    "decide": "decider",
    "return": "approver",
    "approve": "approver",
    "publish": "approver",
    "reopen": "approver",
    "reject": "approver",
}

STEP = {
    "submit": services.request_submit,
    "screen": services.request_screen,
    "decide": services.request_decide,
    "return": services.request_return,
    "approve": services.request_approve,
    "publish": services.request_publish,
    "reopen": services.request_reopen,
    "reject": services.request_reject,
}

PATH_TO = {
    RequestState.DRAFT: [],
    RequestState.SUBMITTED: ["submit"],
    RequestState.SCREENED: ["submit", "screen"],
    RequestState.DECIDED: ["submit", "screen", "decide"],
    RequestState.APPROVED: ["submit", "screen", "decide", "approve"],
    RequestState.PUBLISHED: ["submit", "screen", "decide", "approve", "publish"],
    RequestState.REJECTED: ["submit", "reject"],
}


def apply(people, request, name: str) -> CodificationRequest:
    if name == "decide" and request.state == RequestState.SCREENED:
        decide_all(people["decider"], request)
    return STEP[name](actor=people[ACTOR_OF[name]], request=request, reason="checked")


def drive(people, request, state: str) -> CodificationRequest:
    for name in PATH_TO[state]:
        request = apply(people, request, name)
    request.refresh_from_db()
    assert request.state == state
    return request


def approved_registration(people, maker):
    """An approved request whose one line registers the RU bureau as user of a KZ item; the
    registration is then made another way, so publishing can only fail."""
    item = make_item("KZ")
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="АБВГ.303.001")
    request = drive(people, new_draft(people["author"], line_args()), RequestState.SCREENED)
    services.request_line_decide(
        actor=people["decider"],
        line=request.lines.get(),
        decision="register",
        item=item,
        justification="same_item",
    )
    services.request_decide(actor=people["decider"], request=request)
    services.request_approve(actor=people["approver"], request=request)
    catalog.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("RU"))
    request.refresh_from_db()
    return request, item
