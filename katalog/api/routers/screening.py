"""REST endpoints of the screening area: screen one item, submit a parts list, record decisions."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import translation
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.pagination import after_key, next_cursor
from katalog.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS, language, responses
from katalog.api.schemas.screening import (
    BatchOut,
    CandidateDecisionIn,
    DecisionOut,
    DuplicateCandidateOut,
    DuplicateCandidatePageOut,
    ScreeningDecisionIn,
    ScreeningIn,
    ScreeningOut,
)
from katalog.catalog.selectors import item_get
from katalog.jobs.services import job_submit
from katalog.screening.candidates import candidate_decide
from katalog.screening.selectors import (
    CandidateView,
    candidate_views,
    duplicate_candidate_get,
    duplicate_candidate_list,
)
from katalog.screening.services import (
    ReferenceInput,
    ScreeningInput,
    screen,
    screening_decision_record,
)

router = Router(tags=["screening"])


@router.post(
    "",
    auth=read_auth,
    response=responses({200: ScreeningOut}, (401, *READ_PROBLEMS)),
    summary="Screen one described item for duplicates",
)
def screen_one(
    request: ReaderRequest,
    body: ScreeningIn,
    lang: str | None = Query(None, description="Language of the evidence"),
) -> dict:
    query = ScreeningInput(
        references=tuple(ReferenceInput(**r.dict()) for r in body.references),
        item_name_code=body.item_name_code,
        supply_class=body.supply_class,
        characteristics=body.characteristics,
        locale=body.locale,
        exclude_item_ids=tuple(body.exclude_item_ids),
    )
    result = screen(query, reader=request.auth, limit=max(1, min(body.limit, 50)))
    with translation.override(language(request, lang)):
        return result.to_dict()


@router.post(
    "/batch",
    response=responses({202: BatchOut}, WRITE_PROBLEMS),
    auth=api_auth,
    summary="Screen a parts list (a background job)",
)
def screen_batch(
    request: AuthenticatedRequest,
    file: File[UploadedFile],
    locale: Form[str] = "",
    lang: Form[str] = "",
) -> Status:
    params = {
        "locale": locale or lang or request.LANGUAGE_CODE,
        "lang": lang or request.LANGUAGE_CODE,
    }
    job = job_submit(
        actor=request.auth, kind="screening", params=params, upload=file, filename=file.name or ""
    )
    base = f"/api/v1/jobs/{job.pk}"
    return Status(
        202,
        {
            "job_id": job.pk,
            "state": job.state,
            "url": base,
            "result_url": f"{base}/result",
            "errors_url": f"{base}/errors",
        },
    )


@router.post(
    "/decisions",
    response=responses({201: DecisionOut}, WRITE_PROBLEMS),
    auth=api_auth,
    summary="Record a decision on a candidate",
)
def record_decision(request: AuthenticatedRequest, body: ScreeningDecisionIn) -> Status:
    item = item_get(body.catalogue_number, reader=request.auth)
    decision = screening_decision_record(
        actor=request.auth, item=item, verdict=body.verdict, decision=body.decision,
        justification=body.justification, note=body.note, subject=body.subject,
    )  # fmt: skip
    return Status(201, {
        "id": decision.pk, "catalogue_number": item.catalogue_number, "verdict": decision.verdict,
        "decision": decision.decision, "justification": decision.justification,
        "note": decision.note, "subject": decision.subject,
    })  # fmt: skip


# --- duplicate candidates across nations (the centre's queue) ---------------------------------


def _candidate_out(view: CandidateView) -> dict[str, Any]:
    return {
        **{k: getattr(view, k) for k in DuplicateCandidateOut.model_fields if hasattr(view, k)},
        "decided_by": view.decided_by or None,
        "decided_at": view.decided_at.isoformat() if view.decided_at else None,
    }


@router.get(
    "/candidates",
    auth=api_auth,
    response=responses({200: DuplicateCandidatePageOut}, (401, 403, 422)),
    operation_id="duplicate_candidate_list",
    summary="Duplicate candidates across nations at the centre, in the order found",
)
def candidate_list(
    request: AuthenticatedRequest,
    response: HttpResponse,
    state: str = "open",
    after: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
    lang: str | None = Query(None, description="Language of the evidence"),
) -> dict[str, Any]:
    page = duplicate_candidate_list(
        reader=request.auth, state=state, after=after_key(after, kinds=(int,)), limit=limit
    )
    with translation.override(language(request, lang)):
        views = candidate_views(page.rows, reader=request.auth)
    return {
        "items": [_candidate_out(v) for v in views],
        "next": next_cursor(request, response, page),
    }


@router.post(
    "/candidates/{int:candidate_id}/decide",
    auth=api_auth,
    response=responses({200: DuplicateCandidateOut}, WRITE_PROBLEMS),
    operation_id="candidate_decide",
    summary="Confirm or dismiss a duplicate candidate, saying why",
)
def candidate_decide_one(
    request: AuthenticatedRequest, candidate_id: int, body: CandidateDecisionIn
) -> dict[str, Any]:
    candidate = duplicate_candidate_get(candidate_id, reader=request.auth)
    decided = candidate_decide(
        actor=request.auth,
        candidate=candidate,
        decision=body.decision,
        justification=body.justification,
    )
    (view,) = candidate_views([decided], reader=request.auth)
    return _candidate_out(view)
