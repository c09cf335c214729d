"""Pages of catalogue data need a signed-in person unless the installation allows public
reading (`KATALOG_PUBLIC_READ`). The API answers such readers itself (401 problem+json)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# Pages that are not catalogue data: signing in, the language switch, static files, the API
# (which has its own answer), the operator's admin site and the health check.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/admin/", "/healthz")


class ReadAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not getattr(settings, "PUBLIC_READ", False)
            and not request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
