"""One mapping of domain errors to what a person sees on a page.

Services raise `katalog.core.errors` exceptions. A view with a form catches them itself and
shows the form again, as typed, with the refusal on it (`put_on_form`): field errors beside their
fields, the rest above the form in words. Other page views wear `@shows_refusals`, which puts the
refusal in the messages area and answers with the error's own status (403, 404, 409, 412, 422).
htmx requests get only the messages partial, which the base layout swaps into place.

A refusal says the action was not done, never that the request was "rejected": a request is
rejected only by the reject step.
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
        return _("Not done")
    if isinstance(exc, errors.ValidationFailed):
        return _("Please correct the input")
    if isinstance(exc, errors.RuleViolation):
        return _("Not done: a cataloguing rule does not allow it")
    return _("Cannot be done")


def refusal_words(exc: errors.KatalogError, *, placed: frozenset[str] = frozenset()) -> str:
    """The refusal as a sentence for the page: what kind, why, and the field details not
    already shown beside their fields. The error's code and field names are identifiers for
    programs: they go in the markup, not in the sentence."""
    parts = [f"{refusal_title(exc)}: {exc.message}"]
    parts += [
        e.message for e in exc.errors if e.field not in placed and e.message not in exc.message
    ]
    return " ".join(parts)


def put_on_form(form: Any, exc: errors.KatalogError, field_for: Callable[[str], str | None]) -> int:
    """Show a service's refusal on the bound form, which keeps what was typed: field errors
    beside their fields, the rest above the form. Returns the status to answer with (an invalid
    input is a form to correct, 200, as Django answers an invalid form)."""
    # The stable code travels with the page as an attribute, for support and tools, not as words.
    form.refusal_code = exc.code
    placed: set[str] = set()
    for error in exc.errors:
        name = field_for(error.field)
        if name and name in form.fields:
            form.add_error(name, error.message)
            placed.add(error.field)
    # A value typed into a field that names nothing known is an input to correct, like an
    # invalid one: the page itself was found.
    about_input = isinstance(exc, errors.ValidationFailed) or (
        isinstance(exc, errors.NotFound) and bool(placed)
    )
    if not placed or not about_input:
        form.add_error(None, refusal_words(exc, placed=frozenset(placed)))
    return 200 if isinstance(exc, errors.ValidationFailed) else 422 if about_input else exc.status


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refusal_response(request: HttpRequest, exc: errors.KatalogError) -> HttpResponse:
    messages.error(request, refusal_words(exc), extra_tags=f"refusal {exc.code}")
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
    """Stable error codes of the pages' own checks (shown with the refusal), never reused."""

    LIST_TOO_LONG = "LIST_TOO_LONG"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"
    INVALID_DECISION_FORM = "INVALID_DECISION_FORM"
    INVALID = "INVALID"
