"""The exchange between installations: the signed feed peers pull from, and the status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from katalog.api.auth import AuthenticatedRequest, api_auth, node_auth
from katalog.api.schemas import responses
from katalog.api.schemas.exchange import (
    ExchangeFeedOut,
    ExchangeFeedQuery,
    ExchangeOriginsOut,
    ExchangeStatusOut,
)
from katalog.exchange import feed
from katalog.exchange.selectors import exchange_status, local_node

router = Router(tags=["exchange"])

NODE_PROBLEMS = (401, 422)


@router.get(
    "/feed",
    auth=node_auth,
    response=responses({200: ExchangeFeedOut}, NODE_PROBLEMS),
    summary="Events of one origin after a sequence number (node to node)",
)
def exchange_feed(request: HttpRequest, query: Query[ExchangeFeedQuery]) -> dict[str, Any]:
    return {
        "origin": query.origin,
        "events": feed.events_after(query.origin, query.after, query.limit),
        "last_seq": feed.origins().get(query.origin, 0),
    }


@router.get(
    "/origins",
    auth=node_auth,
    response=responses({200: ExchangeOriginsOut}, NODE_PROBLEMS),
    summary="The origins whose events this node holds (node to node)",
)
def exchange_origins(request: HttpRequest) -> dict[str, Any]:
    return {"origins": feed.origins()}


@router.get(
    "/status",
    auth=api_auth,
    response=responses({200: ExchangeStatusOut}, (401, 404)),
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
