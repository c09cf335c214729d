"""The centre's queue of duplicate candidates across nations, over
`katalog.screening.selectors` and `katalog.screening.candidates`: both items with their
bureaus, the score, the verdict and the evidence in the reader's language, and a decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from katalog.core.errors import FieldError, ValidationFailed
from katalog.screening.candidates import candidate_decide
from katalog.screening.selectors import (
    candidate_views,
    duplicate_candidate_get,
    duplicate_candidate_list,
)
from katalog.web.errors import WebErrorCode, is_htmx, shows_refusals
from katalog.web.forms import CandidateDecisionForm


@login_required
@shows_refusals
def candidate_list(request: HttpRequest) -> HttpResponse:
    after = request.GET.get("after", "")
    page = duplicate_candidate_list(
        reader=request.user, after=int(after) if after.isdigit() else None
    )
    context = {
        "page": page,
        "candidates": candidate_views(page.rows, reader=request.user),
    }
    return render(request, "web/candidate_list.html", context)


@login_required
@require_POST
@shows_refusals
def candidate_decide_page(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = duplicate_candidate_get(candidate_id, reader=request.user)
    form = CandidateDecisionForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(
            _("The decision form is not complete"),
            code=WebErrorCode.INVALID_DECISION_FORM,
            errors=[
                FieldError(name, WebErrorCode.INVALID, " ".join(str(e) for e in errs))
                for name, errs in form.errors.items()
            ],
        )
    decided = candidate_decide(
        actor=request.user,
        candidate=candidate,
        decision=form.cleaned_data["decision"],
        justification=form.cleaned_data["justification"],
    )
    if is_htmx(request):
        (view,) = candidate_views([decided], reader=request.user)
        # The position of the candidate on the page, so the swapped heading keeps its label.
        position = request.POST.get("n", "")
        context = {"c": view, "decided_now": True, "n": position if position.isdigit() else ""}
        return render(request, "web/_candidate.html", context)
    messages.success(request, _("Decision recorded."))
    return redirect("web:screening-candidates")
