"""The HTTP pull transport: a node reads its peers' feeds (`GET /api/v1/exchange/feed`).

Requests between nodes are signed, not sent with a user's token: the caller names itself
(`X-Katalog-Node`), the time (`X-Katalog-Time`, Unix seconds) and signs the method, the path
with its query and that time with its node key (`X-Katalog-Signature`). The server accepts
only a registered peer whose key verifies the signature within a few minutes of its clock, so a
recorded request cannot be replayed later.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.utils.translation import gettext as _

from katalog.core.errors import AuthenticationRequired, Conflict
from katalog.exchange import keys
from katalog.exchange.errors import ExchangeError
from katalog.exchange.feed import FEED_PAGE_MAX
from katalog.exchange.inbox import ReceiveReport, events_receive
from katalog.exchange.models import Node, PeerPosition
from katalog.exchange.selectors import local_node

NODE_HEADER = "X-Katalog-Node"
TIME_HEADER = "X-Katalog-Time"
SIGNATURE_HEADER = "X-Katalog-Signature"
CLOCK_SKEW = 300
TIMEOUT = 60


def _signed_text(method: str, path_query: str, stamp: str) -> bytes:
    return f"{method.upper()}\n{path_query}\n{stamp}".encode()


def signed_headers(method: str, path_query: str) -> dict[str, str]:
    node = local_node()
    signing = keys.signing_key_read()
    if signing is None:
        raise Conflict(
            _("This node's signing key is missing"), code=ExchangeError.NODE_NOT_INITIALISED
        )
    stamp = str(int(time.time()))
    return {
        NODE_HEADER: node.name,
        TIME_HEADER: stamp,
        SIGNATURE_HEADER: keys.sign(_signed_text(method, path_query, stamp), signing),
    }


def _refused() -> AuthenticationRequired:
    return AuthenticationRequired(
        _("The request is not signed by a registered node"),
        code=ExchangeError.NODE_SIGNATURE_INVALID,
    )


def request_node(*, name: str, stamp: str, signature: str, method: str, path_query: str) -> Node:
    """The registered peer that signed this request, else refused."""
    peer = Node.objects.filter(name=name, is_local=False).first()
    try:
        fresh = abs(time.time() - int(stamp)) <= CLOCK_SKEW
    except ValueError:
        fresh = False
    if peer is None or not fresh:
        raise _refused()
    if not keys.signature_valid(
        _signed_text(method, path_query, stamp), signature, peer.public_key
    ):
        raise _refused()
    return peer


def _get(peer: Node, path: str, query: dict[str, Any]) -> Any:
    # As the server reads it back (`get_full_path`): no "?" without a query.
    encoded = urllib.parse.urlencode(query)
    path_query = f"/api/v1/exchange/{path}" + (f"?{encoded}" if encoded else "")
    # The peer's address is an http(s) URL the operator registered (a URLField), never input.
    request = urllib.request.Request(  # noqa: S310
        peer.url.rstrip("/") + path_query, headers=signed_headers("GET", path_query)
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise Conflict(
            _("Node %(name)s at %(url)s does not answer: %(reason)s")
            % {"name": peer.name, "url": peer.url, "reason": getattr(exc, "reason", exc)},
            code=ExchangeError.PEER_UNREACHABLE,
        ) from exc


def peer_pull(peer: Node) -> ReceiveReport:
    """Read every origin's new events that the peer holds, page by page, and apply them."""
    report = ReceiveReport()
    local = local_node()
    for origin, last in sorted(_get(peer, "origins", {})["origins"].items()):
        if origin == local.name:
            continue
        position = PeerPosition.objects.filter(origin=origin).first()
        after = position.applied_seq if position else 0
        while after < int(last):
            page = _get(peer, "feed", {"origin": origin, "after": after, "limit": FEED_PAGE_MAX})
            events = page["events"]
            if not events:
                break
            report.add(events_receive(events, transport="http"))
            after = int(events[-1]["seq"])
    return report


def pull_all() -> dict[str, ReceiveReport | str]:
    """Pull from every registered peer with an address; an unreachable one is reported, the
    others go on."""
    results: dict[str, ReceiveReport | str] = {}
    for peer in Node.objects.filter(is_local=False).exclude(url="").order_by("name"):
        try:
            results[peer.name] = peer_pull(peer)
        except Conflict as error:
            results[peer.name] = str(error)
    return results
