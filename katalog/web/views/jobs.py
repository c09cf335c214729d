"""Job pages over `katalog.jobs`: upload an import, start an export, watch progress (htmx
polling) and download the error report or the result file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from katalog.core.downloads import path_download
from katalog.core.errors import KatalogError
from katalog.jobs import selectors, services
from katalog.jobs.registry import RUNNERS
from katalog.web import display
from katalog.web.errors import put_on_form, shows_refusals
from katalog.web.forms import ExportForm, ImportForm
from katalog.web.requests import SignedInRequest

EXPORT_KIND = "export-items"


def _import_kinds() -> list[str]:
    return sorted(k for k in RUNNERS if k.startswith("import-"))


@login_required
def job_list(request: SignedInRequest) -> HttpResponse:
    before = request.GET.get("before", "")
    page = selectors.job_list(actor=request.user, before=int(before) if before.isdigit() else None)
    context = {
        "jobs": page.rows,
        "import_form": ImportForm(kinds=_import_kinds()),
        "export_form": ExportForm(),
        "next_before": page.next_after,
    }
    return render(request, "web/job_list.html", context)


@login_required
@shows_refusals
def job_import(request: SignedInRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, kinds=_import_kinds())
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            job = services.job_submit(
                actor=request.user, kind=data["kind"],
                params={"on_existing": data["on_existing"], "dry_run": data["dry_run"],
                        "encoding": data["encoding"]},
                upload=upload, filename=upload.name,
            )  # fmt: skip
        except KatalogError as exc:  # shown on the form, the choices made kept
            status = put_on_form(form, exc, lambda name: name)
        else:
            messages.success(request, _("Import queued as job %(id)s.") % {"id": job.pk})
            return redirect("web:job-detail", job_id=job.pk)
    return render(request, "web/job_import.html", {"form": form}, status=status)


@login_required
@shows_refusals
def job_export(request: SignedInRequest) -> HttpResponse:
    form = ExportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        params = {"format": form.cleaned_data["format"]}
        if form.cleaned_data["q"]:
            params["q"] = form.cleaned_data["q"]
        try:
            job = services.job_submit(actor=request.user, kind=EXPORT_KIND, params=params)
        except KatalogError as exc:  # shown on the form, the choices made kept
            status = put_on_form(form, exc, lambda name: name)
        else:
            messages.success(request, _("Export queued as job %(id)s.") % {"id": job.pk})
            return redirect("web:job-detail", job_id=job.pk)
    return render(request, "web/job_export.html", {"form": form}, status=status)


@login_required
@shows_refusals
def job_detail(request: SignedInRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(job_id, actor=request.user)
    context = {"job": job, "finished": services.is_finished(job)}
    template = (
        "web/_job_progress.html" if request.GET.get("part") == "progress" else "web/job_detail.html"
    )
    return render(request, template, context)


@login_required
@shows_refusals
def job_errors(request: SignedInRequest, job_id: int) -> StreamingHttpResponse:
    """The error report with its column headings in the reader's language (the file keeps
    them in English, for programs that read it)."""
    job = selectors.job_get(job_id, actor=request.user)
    report = selectors.job_file_path(job, "errors").open("rb")
    response = StreamingHttpResponse(
        _report_lines(report, _headings()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"job-{job.pk}-errors.csv")
    return response


def _headings() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([str(heading) for heading in display.ERROR_REPORT_HEADER])
    return buffer.getvalue().encode("utf-8")


def _report_lines(report: IO[bytes], headings: bytes) -> Iterator[bytes]:
    """The report's lines as stored, the first (the English headings) replaced."""
    with report:
        report.readline()
        yield headings
        yield from report


@login_required
@shows_refusals
def job_result(request: SignedInRequest, job_id: int) -> FileResponse:
    job = selectors.job_get(job_id, actor=request.user)
    return path_download(
        selectors.job_file_path(job, "result"), job.result_name or f"job-{job.pk}-result"
    )
