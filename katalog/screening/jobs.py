"""Screening of a parts list as a background job (kind "screening")."""

from __future__ import annotations

from katalog.jobs.registry import JobContext, job_kind
from katalog.screening.batch import screen_file
from katalog.transfer.readers import count_rows


@job_kind("screening", needs_file=True)
def screening_job(ctx: JobContext) -> dict:
    """Params: `locale` (how numbers are written) and `lang` (language of the explanations)."""
    total = count_rows(ctx.input_path)
    ctx.progress(0, total)
    locale = str(ctx.params.get("locale") or ctx.params.get("lang") or "en")
    with ctx.output_path.open("w", encoding="utf-8", newline="") as out:
        summary = screen_file(
            ctx.uploaded(), out, locale=locale, lang=str(ctx.params.get("lang") or locale),
            on_progress=lambda done, _total: ctx.progress(done, total), on_reject=ctx.reject,
            reader=ctx.actor,
        )  # fmt: skip
    return {**summary.as_dict(), "result_name": "screening.csv"}
