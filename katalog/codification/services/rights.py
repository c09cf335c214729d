"""Who may act on a codification request. Requests belong to the bureau that processes them;
only its members holding the step's permission act on them, and approval needs an approver who
neither wrote the request nor decided any of its lines (four eyes). Superuser status changes
none of this."""

from __future__ import annotations

from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.models import Bureau
from katalog.accounts.rights import Permission
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import CodificationRequest
from katalog.core.actors import Actor
from katalog.core.errors import PermissionDenied


def acting_bureau(actor: Actor, permission: Permission = Permission.CATALOGUE) -> Bureau:
    return rights.acting_bureau(actor, permission)


def require_same_bureau(
    actor: Actor, request: CodificationRequest, *, permission: Permission = Permission.CATALOGUE
) -> None:
    """Members of the request's bureau holding the permission act on it."""
    bureau = acting_bureau(actor, permission)
    if bureau.pk != request.bureau_id:
        raise PermissionDenied(
            _("Only members of bureau %(bureau)s may act on this request")
            % {"bureau": request.bureau.key},
            code=E.NOT_SAME_BUREAU,
        )


def request_participants(request: CodificationRequest) -> set[int]:
    """The people who wrote the request, closed its decisions or decided one of its lines."""
    people = {request.author_id, request.decided_by_id}
    people |= set(request.lines.exclude(decided_by=None).values_list("decided_by_id", flat=True))
    return {pk for pk in people if pk is not None}


def require_four_eyes(actor: Actor, request: CodificationRequest) -> None:
    """Who took part in a request does not approve it."""
    if actor.pk in request_participants(request):
        raise PermissionDenied(
            _("Who wrote a request or decided any of its lines cannot approve it"),
            code=E.FOUR_EYES,
        )


def may_open_request(actor: Actor) -> bool:
    """Whether the person may open a request (a cataloguer of a bureau), so that the pages offer
    it only to them."""
    try:
        acting_bureau(actor)
    except PermissionDenied:
        return False
    return True
