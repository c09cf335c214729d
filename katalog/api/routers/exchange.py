"""The exchange between installations: the signed feed peers pull from, and the status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from katalog.api.auth import AuthenticatedRequest, api_auth, node_auth
from katalog.api.schemas import responses
from katalog.exchange import feed
from katalog.exchange.selectors import exchange_status, local_node

router = Router(tags=["exchange"])

NODE_PROBLEMS = (401, 422)


class FeedQuery(Schema):
    origin: str = Field(max_length=40, description="The node whose events are wanted")
    after: int = Field(0, ge=0, description="The last sequence number the caller holds")
    limit: int = Field(feed.FEED_PAGE_MAX, ge=1, le=feed.FEED_PAGE_MAX)


class FeedOut(Schema):
    origin: str
    events: list[dict] = Field(description="Signed events in sequence order")
    last_seq: int = Field(description="The origin's last sequence number held here")


class OriginsOut(Schema):
    origins: dict[str, int] = Field(description="Each origin held here with its last sequence")


class PeerStatusOut(Schema):
    origin: str
    bureau: str
    url: str
    applied_seq: int
    received_seq: int
    waiting_for: int | None = Field(description="The sequence number applying waits for")
    waiting: int
    lag_events: int
    lag_seconds: float | None
    transport: str
    problems: int


class StatusOut(Schema):
    node: str
    bureau: str
    last_seq: int
    peers: list[PeerStatusOut]


@router.get(
    "/feed",
    auth=node_auth,
    response=responses({200: FeedOut}, NODE_PROBLEMS),
    summary="Events of one origin after a sequence number (node to node)",
)
def exchange_feed(request: HttpRequest, query: Query[FeedQuery]) -> dict[str, Any]:
    return {
        "origin": query.origin,
        "events": feed.events_after(query.origin, query.after, query.limit),
        "last_seq": feed.origins().get(query.origin, 0),
    }


@router.get(
    "/origins",
    auth=node_auth,
    response=responses({200: OriginsOut}, NODE_PROBLEMS),
    summary="The origins whose events this node holds (node to node)",
)
def exchange_origins(request: HttpRequest) -> dict[str, Any]:
    return {"origins": feed.origins()}


@router.get(
    "/status",
    auth=api_auth,
    response=responses({200: StatusOut}, (401, 404)),
    summary="Where this node stands with each peer",
)
def exchange_status_get(request: AuthenticatedRequest) -> dict[str, Any]:
    node = local_node()
    return {
        "node": node.name,
        "bureau": node.bureau.key,
        "last_seq": feed.origins().get(node.name, 0),
        "peers": [vars(row) for row in exchange_status()],
    }
