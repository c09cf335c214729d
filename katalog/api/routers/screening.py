"""REST endpoints of the screening area: screen one item, submit a parts list, record decisions."""

from __future__ import annotations

from typing import Any

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS, responses
from katalog.catalog.selectors import item_get
from katalog.jobs.services import job_submit
from katalog.screening.services import (
    ReferenceInput,
    ScreeningInput,
    screen,
    screening_decision_record,
)

router = Router(tags=["screening"])


class ScreeningReferenceIn(Schema):
    number: str
    manufacturer_code: str = ""
    manufacturer_name: str = ""


class ScreeningIn(Schema):
    references: list[ScreeningReferenceIn] = []
    item_name_code: str = ""
    supply_class: str = ""
    characteristics: dict[str, str] = {}
    locale: str = "en"
    exclude_item_ids: list[int] = []
    limit: int = 5


class EvidenceOut(Schema):
    kind: str
    outcome: str
    weight: float
    detail: str
    data: dict[str, Any]


class CandidateOut(Schema):
    item_id: int
    catalogue_number: str
    item_name: str
    status: str
    score: float
    verdict: str
    evidence: list[EvidenceOut]


class ScreeningOut(Schema):
    verdict: str
    candidates: list[CandidateOut]
    lower: float
    upper: float


class BatchOut(Schema):
    job_id: int
    state: str
    url: str
    result_url: str
    errors_url: str


class ScreeningDecisionIn(Schema):
    catalogue_number: str
    verdict: str
    decision: str
    justification: str
    note: str = ""
    subject: str = ""


class DecisionOut(Schema):
    id: int
    catalogue_number: str
    verdict: str
    decision: str
    justification: str
    note: str
    subject: str


@router.post(
    "",
    auth=read_auth,
    response=responses({200: ScreeningOut}, (401, *READ_PROBLEMS)),
    summary="Screen one described item for duplicates",
)
def screen_one(request: ReaderRequest, body: ScreeningIn) -> dict:
    query = ScreeningInput(
        references=tuple(ReferenceInput(**r.dict()) for r in body.references),
        item_name_code=body.item_name_code,
        supply_class=body.supply_class,
        characteristics=body.characteristics,
        locale=body.locale,
        exclude_item_ids=tuple(body.exclude_item_ids),
    )
    return screen(query, reader=request.auth, limit=max(1, min(body.limit, 50))).to_dict()


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
