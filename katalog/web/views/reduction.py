"""The nomenclature-reduction report's pages, over `katalog.quality.reduction_selectors` and
the jobs: start a run, the list of runs, a run's figures with charts drawn on the server, its
groups page by page, the workbook to download, and acting on a group (proposing to cancel a member as a
duplicate of the item kept, through `quality.services.reduction_cluster_propose`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from katalog.accounts.selectors import bureau_names
from katalog.core.i18n import pick_text
from katalog.jobs.services import is_finished, job_submit
from katalog.quality.models import ReductionSection
from katalog.quality.reduction import KIND
from katalog.quality.reduction_selectors import (
    cluster_views,
    reduction_cluster_get,
    reduction_clusters,
    reduction_job_get,
    reduction_report_of,
    reduction_runs,
    supply_group_titles,
)
from katalog.quality.services import reduction_cluster_propose
from katalog.web import prefs
from katalog.web.charts import Bar, bar_chart
from katalog.web.errors import shows_refusals
from katalog.web.requests import SignedInRequest


@login_required
@shows_refusals
def reduction_list(request: SignedInRequest) -> HttpResponse:
    """The reader's runs of the report, and the button that starts one."""
    if request.method == "POST":
        job = job_submit(actor=request.user, kind=KIND, params={"lang": prefs.language()})
        messages.success(request, _("The report is being computed as job %(id)s.") % {"id": job.pk})
        return redirect("web:reduction-detail", job_id=job.pk)
    before = request.GET.get("before", "")
    page = reduction_runs(actor=request.user, before=int(before) if before.isdigit() else None)
    return render(
        request, "web/reduction_list.html", {"runs": page.rows, "next_before": page.next_after}
    )


def _section_chart(figures: dict[str, Any]) -> dict[str, Any]:
    restricted = figures["restricted_procured"]
    bars = [
        Bar(_("Probable duplicates across bureaus"), figures["duplicates"]["spare"],
            "?section=duplicates#groups"),
        Bar(_("Same item name and key characteristics"),
            figures["same_characteristics"]["spare"], "?section=same_characteristics#groups"),
        Bar(_("Cancelled items still registered"), figures["cancelled_registered"]["items"]),
        Bar(_("Items without users"), figures["without_users"]["items"]),
    ]  # fmt: skip
    bars.append(Bar(_("On restrictive lists, still procured"), restricted.get("items") or 0))
    return {
        "title": _("Items that fewer would do, by section"),
        "svg": bar_chart(
            chart_id="chart-sections",
            title=_("Items that fewer would do, by section"),
            description=_(
                "For the groups, the items that could go (all but the one kept); for the lists,"
                " the items listed."
            ),
            bars=bars,
        ),
    }


def _group_charts(figures: dict[str, Any], language: str) -> list[dict[str, Any]]:
    found: dict[str, int] = {}
    by_bureau: dict[str, int] = {}
    for section in ReductionSection.values:
        for key, n in figures[section]["by_group"].items():
            found[key] = found.get(key, 0) + n
        for key, n in figures[section]["by_bureau"].items():
            by_bureau[key] = by_bureau.get(key, 0) + n
    titles = supply_group_titles(found, language)
    names = bureau_names()
    empty = _("No group of items where one would do.")
    return [
        {
            "title": _("Groups by supply group"),
            "svg": bar_chart(
                chart_id="chart-groups",
                title=_("Groups by supply group"),
                description=_("How many groups of both kinds fall in each supply group."),
                bars=[Bar(f"{k} {titles.get(k, '')}".strip(), n) for k, n in sorted(found.items())],
                empty=empty,
            ),
        },
        {
            "title": _("Groups by assigning bureau"),
            "svg": bar_chart(
                chart_id="chart-bureaus",
                title=_("Groups by assigning bureau"),
                description=_("How many groups hold an item of each assigning bureau."),
                bars=[
                    Bar(pick_text(names.get(k), language) or k, n)
                    for k, n in sorted(by_bureau.items())
                ],
                empty=empty,
            ),
        },
    ]


@login_required
@shows_refusals
def reduction_detail(request: SignedInRequest, job_id: int) -> HttpResponse:
    job = reduction_job_get(job_id, actor=request.user)
    finished = is_finished(job)
    if request.GET.get("part") == "progress":
        response = render(
            request, "web/_reduction_progress.html", {"job": job, "finished": finished}
        )
        if finished:
            response["HX-Refresh"] = "true"  # the whole page then shows the figures
        return response
    report = reduction_report_of(job) if finished else None
    figures = report.figures if report is not None else {}
    context: dict[str, Any] = {"job": job, "finished": finished, "figures": figures}
    if report is not None and figures:
        language = prefs.language()
        section = request.GET.get("section", ReductionSection.DUPLICATES)
        if section not in ReductionSection.values:
            section = ReductionSection.DUPLICATES
        after = request.GET.get("after", "")
        page = reduction_clusters(
            report, section=section, after=int(after) if after.isdigit() else None
        )
        context.update(
            charts=[_section_chart(figures), *_group_charts(figures, language)],
            section=section,
            sections=ReductionSection.choices,
            page=page,
            groups=cluster_views(page.rows, language=language),
        )
    return render(request, "web/reduction_detail.html", context)


@login_required
@require_POST
@shows_refusals
def reduction_cluster_cancel(
    request: SignedInRequest, job_id: int, cluster_id: int
) -> HttpResponse:
    """Propose cancelling one member of a group as a duplicate of the item kept (the proposed
    one, or the member the cataloguer chose); its assigning bureau decides."""
    job = reduction_job_get(job_id, actor=request.user)
    report = reduction_report_of(job)
    cluster = reduction_cluster_get(report, cluster_id)
    proposal = reduction_cluster_propose(
        actor=request.user,
        cluster=cluster,
        item_niin=request.POST.get("item", ""),
        kept_niin=request.POST.get("kept", "") or None,
    )
    messages.success(
        request,
        _(
            "Cancelling %(item)s as a duplicate of %(kept)s is proposed to bureau %(bureau)s,"
            " whose approver decides."
        )
        % {
            "item": proposal.item.catalogue_number,
            "kept": proposal.kept.catalogue_number,
            "bureau": proposal.item.bureau.key,
        },
    )
    url = reverse("web:reduction-detail", kwargs={"job_id": job.pk})
    return redirect(f"{url}?section={cluster.section}#group-{cluster.position}")
