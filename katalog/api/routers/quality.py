"""REST endpoints of data quality: the figures of the quality dashboard and its work list, the
rules in force and their versions, and the nomenclature-reduction report."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import translation
from ninja import Query, Router, Status

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS, responses
from katalog.api.schemas.quality import (
    QualitySummaryOut,
    ReductionIn,
    ReductionOut,
    RuleDetailOut,
    RuleIn,
    RuleOut,
    RulePatchIn,
    WorstItemOut,
)
from katalog.jobs.services import job_submit
from katalog.quality.reduction import KIND as REDUCTION
from katalog.quality.reduction_selectors import reduction_job_get, reduction_report_of
from katalog.quality.selectors import (
    quality_summary,
    rule_for,
    rule_history,
    rules_for,
    worst_items,
)
from katalog.quality.services import quality_rule_create, quality_rule_update

router = Router(tags=["quality"])


BUREAU = Query(None, description="assigning bureau (key); without it, the whole catalogue")


def _language(request: ReaderRequest | AuthenticatedRequest, lang: str | None) -> str:
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


# --- the rules: in force for the caller's bureau, its own ones, their versions -------------------


def _rule_detail(
    request: ReaderRequest | AuthenticatedRequest, code: str, lang: str | None
) -> dict[str, Any]:
    with translation.override(_language(request, lang)):
        rule = rule_for(reader=request.auth, code=code)
        history = rule_history(reader=request.auth, code=code)
    return {"rule": asdict(rule), "history": [asdict(v) for v in history]}


@router.get(
    "/rules",
    auth=read_auth,
    response=responses({200: list[RuleOut]}, (401, 422)),
    operation_id="quality_rules",
    summary="The quality rules in force for the caller's bureau: built-in and own, with weights",
)
def rules(request: ReaderRequest, lang: str | None = None) -> Any:
    """For a member of a national bureau, the global rules (with the bureau's weights and
    switches over them) and the bureau's own rules; for the centre and visitors, the global
    rules. Each says whether the caller may change it."""
    with translation.override(_language(request, lang)):
        return [asdict(r) for r in rules_for(reader=request.auth)]


@router.get(
    "/rules/{code}",
    auth=read_auth,
    response=responses({200: RuleDetailOut}, (401, *READ_PROBLEMS)),
    operation_id="quality_rule_get",
    summary="A quality rule in force for the caller's bureau, with every version of it",
)
def rule_get(request: ReaderRequest, code: str, lang: str | None = None) -> Any:
    return _rule_detail(request, code, lang)


@router.post(
    "/rules",
    auth=api_auth,
    response=responses({201: RuleDetailOut}, WRITE_PROBLEMS),
    operation_id="quality_rule_create",
    summary="Add an own quality rule of the caller's bureau (of the centre: a global rule)",
)
def rule_create(request: AuthenticatedRequest, payload: RuleIn, lang: str | None = None) -> Status:
    """A bureau's approver adds rules for its items; the centre's cataloguers add rules for
    every item. The items the rule concerns are rescored by a job."""
    rule = quality_rule_create(
        actor=request.auth,
        code=payload.code,
        kind=payload.kind,
        params=payload.params,
        weight=payload.weight,
        active=payload.active,
        messages=payload.messages,
        fixes=payload.fixes,
        reason=payload.reason,
    )
    return Status(201, _rule_detail(request, rule.code, lang))


@router.patch(
    "/rules/{code}",
    auth=api_auth,
    response=responses({200: RuleDetailOut}, (*WRITE_PROBLEMS, 412)),
    operation_id="quality_rule_update",
    summary="Change a quality rule: weight and switch, and of an own rule parameters and texts",
)
def rule_update(
    request: AuthenticatedRequest, code: str, payload: RulePatchIn, lang: str | None = None
) -> Any:
    """The owner of a rule (the bureau for its own, the centre for a global one) changes any
    of its fields (a built-in rule's checks and texts are the product's); a bureau sets the
    weight and switch of a global rule for its items. Each change makes a new version; the
    items the rule concerns are rescored by a job."""
    changes = payload.dict(exclude_unset=True, exclude={"version", "reason"})
    quality_rule_update(
        actor=request.auth,
        code=code,
        changes=changes,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _rule_detail(request, code, lang)
