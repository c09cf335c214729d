"""People: the history of an account, for the person and the administrators of their bureau."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router

from katalog.accounts.selectors import user_history
from katalog.api.auth import AuthenticatedRequest, api_auth
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_key, page_body
from katalog.api.schemas import PAGINATED, READ_PROBLEMS, responses
from katalog.api.schemas.catalog import EventPage

router = Router(tags=["accounts"])


@router.get(
    "/users/{username}/history",
    auth=api_auth,
    response=responses({200: EventPage}, (401, *READ_PROBLEMS)),
    operation_id="user_history",
    openapi_extra=PAGINATED,
    summary="What happened to a person's account: creation, roles, password, tokens",
)
def user_history_get(
    request: AuthenticatedRequest,
    response: HttpResponse,
    username: str,
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Any:
    seq = after_key(after, kinds=(int,))
    found = user_history(username, reader=request.auth, after=seq, limit=limit)
    return page_body(request, response, found)
