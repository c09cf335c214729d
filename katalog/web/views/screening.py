"""The screening page for a parts list: one reference number a line (a manufacturer code may
follow after a tab), each screened for duplicates in one run. A list pasted into the search box
is offered here, prefilled, because the search looks for one thing at a time.

Limits: at most LIST_MAX lines and LINE_MAX characters a line (docs/limits.md); a longer list is
refused on the form, which keeps what was typed."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from katalog.core.errors import FieldError, ValidationFailed
from katalog.screening.services import ReferenceInput, ScreeningInput, ScreeningResult, screen_many
from katalog.web import prefs

LIST_MAX = 500
LINE_MAX = 80
# A list pasted into a one-line box arrives with its lines joined by these.
SEPARATORS = re.compile(r"[\r\n\t;]+")
LIST_MIN = 3
# Without the page's script a browser may join the pasted lines with spaces.
WORDS_MIN = 10


def pasted_list(text: str) -> list[str]:
    """The entries of a pasted list of part numbers, or [] when the text reads as one search:
    at least three entries on lines of their own (or separated by semicolons), each with a
    digit as part numbers have, or ten such words in a row."""
    entries = [e.strip() for e in SEPARATORS.split(text or "") if e.strip()]
    if len(entries) == 1:
        words = entries[0].split()
        numbers_only = all(any(ch.isdigit() for ch in w) for w in words)
        return words if len(words) >= WORDS_MIN and numbers_only else []
    if len(entries) < LIST_MIN:
        return []
    if "\n" in text or all(any(ch.isdigit() for ch in e) for e in entries):
        return entries
    return []


def list_lines(text: str) -> list[str]:
    """The list as typed, one entry a line, checked against the limits."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > LIST_MAX:
        message = _("At most %(max)d lines are screened at once; this list has %(n)d") % {
            "max": LIST_MAX,
            "n": len(lines),
        }
        raise ValidationFailed(
            message,
            code="LIST_TOO_LONG",
            errors=[FieldError("numbers", "LIST_TOO_LONG", message)],
            data={"max": LIST_MAX, "length": len(lines)},
        )
    return lines


def _query(line: str) -> ScreeningInput:
    number, _sep, maker = line.partition("\t")
    return ScreeningInput(
        references=(ReferenceInput(number=number.strip(), manufacturer_code=maker.strip()),),
        locale=prefs.language(),
    )


def _rows(lines: list[str], reader: Any) -> list[dict[str, Any]]:
    fitting = [line for line in lines if len(line) <= LINE_MAX]
    answers = iter(screen_many([_query(line) for line in fitting], reader=reader, limit=3))
    rows = []
    for position, line in enumerate(lines, start=1):
        if len(line) > LINE_MAX:
            error = _("At most %(max)d characters a line; this one has %(n)d") % {
                "max": LINE_MAX,
                "n": len(line),
            }
            rows.append({"position": position, "line": line, "error": error})
            continue
        answer = next(answers)
        if isinstance(answer, ScreeningResult):
            rows.append({"position": position, "line": line, "screening": answer.to_dict()})
        else:
            rows.append({"position": position, "line": line, "error": answer.message})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def screen_list(request: HttpRequest) -> HttpResponse:
    """GET: the empty form. POST from the search page: the form with the list prefilled.
    POST with `screen`: each line screened."""
    numbers = request.POST.get("numbers", "")
    context: dict[str, Any] = {
        "numbers": numbers,
        "rows": None,
        "error": None,
        "list_max": LIST_MAX,
        "line_max": LINE_MAX,
        "expert": prefs.is_expert(request),
    }
    status = 200
    if request.method == "POST" and request.POST.get("screen"):
        try:
            context["rows"] = _rows(list_lines(numbers), request.user)
        except ValidationFailed as exc:
            context["error"] = exc
            status = exc.status
    return render(request, "web/screen_list.html", context, status=status)
