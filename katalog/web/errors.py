"""One mapping of domain errors to what a person sees on a page.

Services raise `katalog.core.errors` exceptions; page views wear `@shows_refusals`, which puts
the refusal in the messages area and answers with the error's own status (403, 404, 409, 412,
422). htmx requests get only the messages partial, which the base layout swaps into place.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from katalog.core import errors


def refusal_title(exc: errors.KatalogError) -> str:
    """A short translated lead-in saying what kind of refusal this is."""
    if isinstance(exc, errors.PermissionDenied):
        return _("Not allowed")
    if isinstance(exc, errors.NotFound):
        return _("Not found")
    if isinstance(exc, errors.PreconditionFailed):
        return _("Changed by someone else meanwhile; reload the page and try again")
    if isinstance(exc, errors.Conflict):
        return _("Conflict")
    if isinstance(exc, errors.ValidationFailed):
        return _("Please correct the input")
    if isinstance(exc, errors.RuleViolation):
        return _("Refused by a cataloguing rule")
    return _("Cannot be done")


def refusal_text(exc: errors.KatalogError) -> str:
    """The full sentence for the messages area: kind of refusal, reason, field details."""
    parts = [f"{refusal_title(exc)}: {exc.message}"]
    parts += [f"{e.field}: {e.message}" for e in exc.errors if e.message not in exc.message]
    return " ".join(parts) + f" [{exc.code}]"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refusal_response(request: HttpRequest, exc: errors.KatalogError) -> HttpResponse:
    messages.error(request, refusal_text(exc))
    template = "web/_messages.html" if is_htmx(request) else "web/refusal.html"
    response = render(request, template, {"error": exc}, status=exc.status)
    if is_htmx(request):
        # The messages area is outside the swapped target: send the partial there.
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "outerHTML"
    return response


def shows_refusals(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Render any domain error raised by the view as a friendly message with its status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except errors.KatalogError as exc:
            return refusal_response(request, exc)

    return wrapper


class WebErrorCode(StrEnum):
    """Stable error codes of the pages' own form checks (shown with the refusal), never reused."""

    INVALID = "INVALID"
    INVALID_DECISION_FORM = "INVALID_DECISION_FORM"
