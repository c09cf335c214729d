"""What a serving installation must have, and the HTTP headers that protect its pages.

A server needs a fixed secret key (sessions, CSRF tokens and password-reset links are signed
with it): with `KATALOG_DEBUG` off, starting a server without `KATALOG_SECRET_KEY` is an error.
Commands that serve nothing run with a random key of their own process.

With `KATALOG_HTTPS` set, cookies are sent over HTTPS only, browsers are told to keep to HTTPS
(HSTS) and the pages carry a Content Security Policy that allows scripts, styles and images of
the installation itself only (the pages and the API documentation need nothing else).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def require_serving_settings() -> None:
    """Refuse to serve without a fixed secret key, unless in debug mode."""
    if settings.DEBUG or getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", False):
        return
    raise ImproperlyConfigured(
        _(
            "KATALOG_SECRET_KEY is not set. A server signs sessions and CSRF tokens with it: set "
            "it to a long random value kept secret, for example the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` (`make run` makes "
            "one for a local trial), or set KATALOG_DEBUG=true for development."
        )
    )


class ContentSecurityPolicyMiddleware:
    """Adds the Content Security Policy to every answer when the installation runs on HTTPS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(settings, "KATALOG_HTTPS", False):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
