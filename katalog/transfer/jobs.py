"""Import and export as background jobs: `import-<kind>` for each import kind, `export-items`."""

from __future__ import annotations

from katalog.core.errors import RowError
from katalog.jobs.registry import JobContext, job_kind
from katalog.transfer.exporters import check_format, export_items
from katalog.transfer.importers.base import BATCH_SIZE, Policy
from katalog.transfer.importers.kinds import IMPORTERS, import_file
from katalog.transfer.readers import count_rows


def _import_runner(kind: str):
    def run(ctx: JobContext) -> dict:
        total = count_rows(ctx.input_path)
        done = 0
        ctx.progress(0, total)

        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            ctx.progress(done, total)

        def rejected(_error: RowError) -> None:
            ctx.job.error_count += 1

        # The import writes the error report itself: a job run again after its worker was
        # killed resumes the import, which keeps the report rows of the committed lines.
        report = import_file(
            kind, ctx.uploaded(), actor=ctx.actor, source=ctx.job.input_name or ctx.uploaded().name,
            policy=Policy(ctx.params.get("on_existing", "skip")),
            dry_run=bool(ctx.params.get("dry_run", False)), progress=advance,
            error_file=ctx.error_path, on_reject=rejected,
            batch_size=max(1, int(ctx.params.get("batch_size", BATCH_SIZE))),
            encoding=ctx.params.get("encoding") or None,
        )  # fmt: skip
        ctx.job.error_count = report.rejected
        return report.as_dict()

    run.__name__ = f"import_{kind}"
    return run


for _kind in IMPORTERS:
    job_kind(f"import-{_kind}", needs_file=True, writes=True)(_import_runner(_kind))


@job_kind("export-items")
def export_items_job(ctx: JobContext) -> dict:
    """Params: `format` (csv, xlsx, jsonl) and search parameters (`q`, filters); none: everything."""
    fmt = check_format(str(ctx.params.get("format", "csv")))
    search = {k: v for k, v in ctx.params.items() if k != "format"}
    count = export_items(
        ctx.output_path,
        reader=ctx.actor,
        fmt=fmt,
        params=search,
        progress=lambda n: ctx.progress(n),
    )
    return {"rows": count, "format": fmt, "result_name": f"items.{fmt}"}
