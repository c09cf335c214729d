"""Who is calling the API: a bearer token (integrators) or the logged-in session (pages).

Reads of catalogue data are public and need no authentication; every write endpoint declares
`auth=api_auth`, and the acting user is then `request.auth`.

Session (cookie) authentication is open to cross-site request forgery, so for unsafe methods it
requires Django's CSRF token (the `X-CSRFToken` header with the `csrftoken` cookie), exactly as
Django forms do. Bearer tokens cannot be sent by a browser on its own, so they need no CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from katalog.accounts.tokens import user_for_token
from katalog.core.errors import PermissionDenied


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kt_…` — a personal API token (see `katalog token create`)."""

    openapi_name = "token"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token.strip())


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


api_auth = [TokenAuth(), CsrfSessionAuth()]
