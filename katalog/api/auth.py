"""Who is calling the API: a bearer token (integrators), the logged-in session (pages), or,
for reads where the installation allows public reading, an anonymous visitor.

Every write endpoint declares `auth=api_auth`; every read of catalogue data declares
`auth=read_auth`. The caller is then `request.auth`, which services take as the actor and
selectors as the reader.

Session (cookie) authentication is open to cross-site request forgery, so for unsafe methods it
requires Django's CSRF token (the `X-CSRFToken` header with the `csrftoken` cookie), exactly as
Django forms do. Bearer tokens cannot be sent by a browser on its own, so they need no CSRF token.
A token of scope `read` is refused by every operation that writes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth
from ninja.utils import check_csrf

from katalog.accounts.models import TokenScope, User
from katalog.accounts.tokens import token_for_secret
from katalog.catalog.visibility import public_read_allowed
from katalog.core.errors import PermissionDenied


class AuthenticatedRequest(HttpRequest):
    """The request of an endpoint with `auth=api_auth`: `auth` is the user whose token or
    session was accepted."""

    auth: User


class ReaderRequest(HttpRequest):
    """The request of an endpoint with `auth=read_auth`: `auth` is the user, or the anonymous
    visitor where the installation allows public reading."""

    auth: User | AnonymousUser


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kt_…` — a personal API token (see `katalog token create`)."""

    openapi_name = "token"

    def __init__(self, *, writes: bool) -> None:
        super().__init__()
        self.writes = writes

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = token_for_secret(token.strip())
        if record is None:
            return None
        if self.writes and record.scope == TokenScope.READ:
            raise PermissionDenied(_("This token may only read"), code="TOKEN_READ_ONLY")
        return record.user


class CsrfSessionAuth(SessionAuth):
    """The Django session, with the CSRF check for unsafe methods.

    Unlike ninja's own `SessionAuth`, a request without a session cookie is simply not
    authenticated by this method (401), rather than refused for a missing CSRF token (403).
    """

    openapi_name = "session"

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if not key or not getattr(request, "user", None) or not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise PermissionDenied(
                _("The CSRF token is missing or wrong; reload the page and try again."),
                code="CSRF_FAILED",
            )
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return super().authenticate(request, key)


class AnonymousReader:
    """A caller without credentials reads as an anonymous visitor where public reading is on.
    A caller who sent a token that is not valid (expired, revoked) is not read as anonymous:
    they get 401, so a broken integration notices.

    In the OpenAPI document it makes the operation's security optional (an empty requirement,
    see `katalog.api.main`), whatever the installation's setting."""

    openapi_security_schema = {"type": "http", "scheme": "none"}

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization") or not public_read_allowed():
            return None
        return AnonymousUser()


class NodeSignatureAuth(APIKeyHeader):
    """Another installation reading this one's exchange feed: a request signed with its node
    key (see `katalog.exchange.http`). `request.auth` is then the peer's `Node`."""

    openapi_name = "node_signature"
    param_name = "X-Katalog-Signature"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from katalog.exchange.http import request_node

        if not key:
            return None
        return request_node(
            name=request.headers.get("X-Katalog-Node", ""),
            stamp=request.headers.get("X-Katalog-Time", ""),
            signature=key,
            method=request.method or "GET",
            path_query=request.get_full_path(),
        )


ANONYMOUS_SCHEME = AnonymousReader.__name__
node_auth = NodeSignatureAuth()
api_auth = [TokenAuth(writes=True), CsrfSessionAuth()]
read_auth = [TokenAuth(writes=False), CsrfSessionAuth(), AnonymousReader()]
