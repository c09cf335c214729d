"""REST endpoints of data quality: the figures of the quality dashboard and its work list."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ninja import Query, Router, Status

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS, responses
from katalog.api.schemas.quality import (
    QualitySummaryOut,
    ReductionIn,
    ReductionOut,
    WorstItemOut,
)
from katalog.jobs.services import job_submit
from katalog.quality.reduction import KIND as REDUCTION
from katalog.quality.reduction_selectors import reduction_job_get, reduction_report_of
from katalog.quality.selectors import quality_summary, worst_items

router = Router(tags=["quality"])


BUREAU = Query(None, description="assigning bureau (key); without it, the whole catalogue")


def _language(request: ReaderRequest, lang: str | None) -> str:
    return lang or getattr(request, "LANGUAGE_CODE", None) or "en"


@router.get(
    "/summary",
    auth=read_auth,
    response=responses({200: QualitySummaryOut}, (401, 422)),
    operation_id="quality_summary",
    summary="Quality scores at a glance: distribution, rules failed, by group, bureau and month",
)
def summary(request: ReaderRequest, bureau: str | None = BUREAU, lang: str | None = None) -> Any:
    """The stored quality scores of the items the caller sees in full: how many fall in each
    band of ten points, how many items fail each rule, and the mean score by supply group, by
    assigning bureau and by month of codification (the last twelve months), and the trend: the
    mean score at the end of each month, from the daily snapshots (of another bureau's items,
    those of its public items)."""
    found = quality_summary(reader=request.auth, bureau=bureau, language=_language(request, lang))
    return asdict(found)


@router.get(
    "/worst",
    auth=read_auth,
    response=responses({200: list[WorstItemOut]}, (401, 422)),
    operation_id="worst_items",
    summary="The items with the lowest quality scores, a work list",
)
def worst(
    request: ReaderRequest,
    bureau: str | None = BUREAU,
    rule: str | None = Query(
        None, description="only items failing this rule, e.g. CHARACTERISTICS"
    ),
    limit: int = Query(25, ge=1, le=200, description="how many items, 1 to 200"),
    lang: str | None = None,
) -> Any:
    """Lowest score first (then by catalogue order), with the rules each item fails."""
    return worst_items(
        reader=request.auth,
        bureau=bureau,
        rule=rule,
        language=_language(request, lang),
        limit=limit,
    )


@router.post(
    "/reduction",
    auth=api_auth,
    response=responses({202: ReductionOut}, WRITE_PROBLEMS),
    operation_id="reduction_start",
    summary="Start the nomenclature-reduction report (a job; its result is an XLSX workbook)",
)
def reduction_start(request: AuthenticatedRequest, payload: ReductionIn | None = None) -> Status:
    """Queue a run of the report over the items the caller may read: probable duplicates
    across bureaus, items with the same item name and key characteristics under different
    numbers, cancelled items still registered, items without users. Follow it with
    `GET /quality/reduction/{job}`; its workbook is `GET /jobs/{job}/result`."""
    lang = (payload.lang if payload else None) or getattr(request, "LANGUAGE_CODE", None) or "en"
    job = job_submit(actor=request.auth, kind=REDUCTION, params={"lang": lang})
    return Status(202, {"job": job, "figures": None})


@router.get(
    "/reduction/{job_id}",
    auth=api_auth,
    response=responses({200: ReductionOut}, (401, *READ_PROBLEMS)),
    operation_id="reduction_get",
    summary="A run of the nomenclature-reduction report: its state and figures",
)
def reduction_get(request: AuthenticatedRequest, job_id: int) -> Any:
    """The figures are null until the run has finished computing them."""
    job = reduction_job_get(job_id, actor=request.auth)
    report = reduction_report_of(job)
    return {"job": job, "figures": report.figures if report and report.figures else None}
