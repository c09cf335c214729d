"""The nomenclature-reduction report as a background job (kind "quality-reduction"): it stores
the report's groups and figures and writes the report as an XLSX workbook (the job's result)."""

from __future__ import annotations

from django.utils import translation

from katalog.jobs.registry import JobContext, job_kind
from katalog.quality.models import ReductionReport
from katalog.quality.reduction import KIND, reduction_compute
from katalog.quality.reduction_selectors import reduction_workbook
from katalog.quality.services import RESCORE_KIND, rescore_all

RESULT_NAME = "reduction.xlsx"


@job_kind(KIND)
def reduction_job(ctx: JobContext) -> dict:
    """Params: `lang`, the language of the workbook's headings, reasons and evidence."""
    language = str(ctx.params.get("lang") or "en")
    report, _created = ReductionReport.objects.get_or_create(job=ctx.job)
    ctx.progress(0)
    figures = reduction_compute(reader=ctx.actor, report=report, progress=ctx.progress)
    with translation.override(language):
        reduction_workbook(report, ctx.output_path, reader=ctx.actor, language=language)
    return {
        "duplicate_clusters": figures["duplicates"]["clusters"],
        "same_clusters": figures["same_characteristics"]["clusters"],
        "cancelled_registered": figures["cancelled_registered"]["items"],
        "without_users": figures["without_users"]["items"],
        "result_name": RESULT_NAME,
    }


@job_kind(RESCORE_KIND)
def rescore_job(ctx: JobContext) -> dict:
    """Params: `bureau`, the id of the assigning bureau whose items a changed rule concerns
    (null: every item, for a global rule). Scores in keyset batches, flat memory."""
    bureau_id = ctx.params.get("bureau")
    ctx.progress(0)
    done = rescore_all(
        bureau_id=int(bureau_id) if bureau_id is not None else None, progress=ctx.progress
    )
    ctx.progress(done, done)
    return {"rescored": done}
