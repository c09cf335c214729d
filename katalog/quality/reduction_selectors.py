"""Reading stored nomenclature-reduction reports: a person reads the runs they started (a run
covers what they may read, so it is theirs, as every job is), its figures, its groups page by
page with the reasons and evidence in the reader's language, and the report as a workbook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from katalog.catalog.models import Item, ItemStatus, format_catalogue_number
from katalog.core.actors import Actor
from katalog.core.errors import NotFound
from katalog.core.i18n import pick_text
from katalog.core.paging import Page, keyset_page
from katalog.core.tables import write_xlsx
from katalog.jobs.models import Job
from katalog.jobs.selectors import job_get, job_list
from katalog.names.models import ItemName
from katalog.quality.errors import QualityErrorCode as E
from katalog.quality.models import ReductionCluster, ReductionReport, ReductionSection
from katalog.quality.reduction import (
    BY_NUMBER,
    BY_PREFERRED,
    BY_QUALITY,
    BY_REGISTRATIONS,
    KIND,
    cancelled_registered,
    restricted_procured_rows,
    without_users,
)
from katalog.refdata.models import SupplyGroup
from katalog.screening.explain import explanation_texts

ROWS_PER_PAGE = 50


def reduction_runs(*, actor: Actor, before: int | None = None, limit: int = 20) -> Page[Job]:
    """The reader's runs of the report, newest first."""
    return job_list(actor=actor, before=before, limit=limit, kind=KIND)


def reduction_job_get(job_id: Any, *, actor: Actor) -> Job:
    """A run of the report the reader started (404 for another kind of job or another's)."""
    job = job_get(job_id, actor=actor)
    if job.kind != KIND:
        raise NotFound(_("No report %(id)s") % {"id": job_id}, code=E.REPORT_NOT_FOUND)
    return job


def reduction_report_of(job: Job) -> ReductionReport | None:
    """The stored report of a run (None until the run has computed it)."""
    return ReductionReport.objects.filter(job=job).first()


@dataclass(frozen=True)
class MemberView:
    niin: str
    catalogue_number: str
    bureau: str
    status: str
    status_label: str
    status_now: str
    registrations: int
    score: int | None
    kept: bool


@dataclass(frozen=True)
class ClusterView:
    id: int
    section: str
    position: int
    item_name: str
    item_name_text: str
    supply_group: str
    size: int
    kept: str
    kept_number: str
    reasons: list[str]
    members: list[MemberView]
    evidence: list[dict[str, Any]]


def _status_label(code: str) -> str:
    try:
        return str(ItemStatus(code).label)
    except ValueError:
        return code


def reason_texts(reasons: Iterable[dict[str, Any]]) -> list[str]:
    """Why the kept item was proposed, one sentence per criterion applied, in order."""
    texts = []
    for reason in reasons:
        code, value, other = reason.get("code"), reason.get("value"), reason.get("other")
        decided = reason.get("decided", True)
        if code == BY_REGISTRATIONS:
            texts.append(
                _("Most user registrations: %(n)s against %(other)s") % {"n": value, "other": other}
                if decided
                else _("As many user registrations as the next: %(n)s") % {"n": value}
            )
        elif code == BY_QUALITY:
            shown = "—" if value is None else value
            texts.append(
                _("Best quality score: %(score)s against %(other)s")
                % {"score": shown, "other": "—" if other is None else other}
                if decided
                else _("The same quality score as the next: %(score)s") % {"score": shown}
            )
        elif code == BY_PREFERRED:
            texts.append(
                _("On a preferred list") if decided else _("Preferred lists decide nothing here")
            )
        elif code == BY_NUMBER:
            texts.append(_("The lowest number"))
        else:
            texts.append(_("The only item of the group still live"))
    return texts


def _names(codes: Iterable[str], language: str | None) -> dict[str, str]:
    return {
        code: pick_text(names, language)
        for code, names in ItemName.objects.filter(code__in=set(codes)).values_list("code", "names")
    }


def cluster_views(
    rows: list[ReductionCluster], *, language: str | None = None
) -> list[ClusterView]:
    """The groups as a person reads them, with each member's status now (a member cancelled
    since the report ran says so)."""
    names = _names((r.item_name for r in rows), language)
    niins = {m["niin"] for r in rows for m in r.members}
    now = dict(Item.objects.filter(niin__in=niins).values_list("niin", "status"))
    return [_cluster_view(r, names, now) for r in rows]


def _cluster_view(row: ReductionCluster, names: dict[str, str], now: dict[str, str]) -> ClusterView:
    members = [
        MemberView(
            niin=m["niin"],
            catalogue_number=format_catalogue_number(m["supply_class"], m["niin"]),
            bureau=m["bureau"],
            status=m["status"],
            status_label=_status_label(m["status"]),
            status_now=_status_label(now.get(m["niin"], m["status"])),
            registrations=m["registrations"],
            score=m["score"],
            kept=m["niin"] == row.kept,
        )
        for m in row.members
    ]
    numbers = {m.niin: m.catalogue_number for m in members}
    evidence = [
        {
            "item": numbers.get(pair["item"], pair["item"]),
            "candidate": numbers.get(pair["candidate"], pair["candidate"]),
            "score": pair["score"],
            "texts": explanation_texts(pair.get("records") or []),
        }
        for pair in row.evidence
    ]
    return ClusterView(
        id=row.pk,
        section=row.section,
        position=row.position,
        item_name=row.item_name,
        item_name_text=names.get(row.item_name, row.item_name),
        supply_group=row.supply_group,
        size=row.size,
        kept=row.kept,
        kept_number=numbers.get(row.kept, row.kept),
        reasons=reason_texts(row.reasons),
        members=members,
        evidence=evidence,
    )


def reduction_clusters(
    report: ReductionReport, *, section: str, after: int | None = None, limit: int = ROWS_PER_PAGE
) -> Page[ReductionCluster]:
    """The groups of one section in their order, a page at a time (keyset on the position)."""
    if section not in ReductionSection.values:
        section = ReductionSection.DUPLICATES
    rows = ReductionCluster.objects.filter(report=report, section=section)
    return keyset_page(rows, "position", after=after, limit=max(1, min(limit, 200)))


def reduction_cluster_get(report: ReductionReport | None, cluster_id: Any) -> ReductionCluster:
    """A group of a stored report (404 while the report has none)."""
    try:
        return ReductionCluster.objects.get(report=report, pk=int(cluster_id))
    except (ReductionCluster.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No such group in this report"), code=E.CLUSTER_NOT_FOUND) from None


# --- the workbook -------------------------------------------------------------------------------


def _cluster_rows(report: ReductionReport, section: str, language: str | None) -> Iterator[list]:
    rows = ReductionCluster.objects.filter(report=report, section=section).order_by("position")
    last = 0
    while chunk := list(rows.filter(position__gt=last)[:ROWS_PER_PAGE]):
        for view in cluster_views(chunk, language=language):
            reasons = "; ".join(view.reasons)
            evidence = " | ".join("; ".join(p["texts"]) for p in view.evidence)
            for member in view.members:
                yield [
                    view.position, view.item_name, view.item_name_text, member.catalogue_number,
                    member.bureau, member.status_label, member.registrations,
                    "" if member.score is None else member.score,
                    _("yes") if member.kept else "", view.kept_number,
                    reasons if member.kept else "", evidence,
                ]  # fmt: skip
        last = chunk[-1].position


def _item_rows(items: Any, language: str | None) -> Iterator[list]:
    rows = items.select_related("item_name", "bureau", "replaced_by")
    for item in rows.iterator(chunk_size=2_000):
        yield [
            item.catalogue_number,
            pick_text(item.item_name.names, language) or item.name_text,
            _status_label(item.status),
            item.bureau.key,
            item.replaced_by.catalogue_number if item.replaced_by else "",
        ]


def reduction_workbook(
    report: ReductionReport, out: Path | IO[bytes], *, reader: Any, language: str | None = None
) -> int:
    """The report as an XLSX workbook written row by row (write-only): a summary sheet and one
    sheet per section. The item lists are read again, over what `reader` may read."""
    figures = report.figures
    group_header = [
        _("Group"), _("Item name code"), _("Item name"), _("Catalogue number"),
        _("Assigning bureau"), _("Status"), _("User registrations"), _("Quality score"),
        _("Proposed to keep"), _("Item to keep"), _("Why"), _("Evidence"),
    ]  # fmt: skip
    item_header = [
        _("Catalogue number"), _("Item name"), _("Status"), _("Assigning bureau"), _("Replaced by"),
    ]  # fmt: skip
    restricted = figures.get("restricted_procured", {})
    summary = [
        [_("Items read"), figures.get("items", 0)],
        [_("Groups of probable duplicates"), figures.get("duplicates", {}).get("clusters", 0)],
        [_("Items that could go (duplicates)"), figures.get("duplicates", {}).get("spare", 0)],
        [_("Groups with the same key characteristics"),
         figures.get("same_characteristics", {}).get("clusters", 0)],
        [_("Items that could go (same characteristics)"),
         figures.get("same_characteristics", {}).get("spare", 0)],
        [_("Cancelled items still registered"),
         figures.get("cancelled_registered", {}).get("items", 0)],
        [_("Items without users"), figures.get("without_users", {}).get("items", 0)],
        [_("Items on restrictive lists still procured"),
         restricted.get("items") or 0],
    ]  # fmt: skip
    sheets = [
        (_("Summary"), [_("Figure"), _("Value")], summary),
        (_("Duplicates"), group_header,
         _cluster_rows(report, ReductionSection.DUPLICATES, language)),
        (_("Same characteristics"), group_header,
         _cluster_rows(report, ReductionSection.SAME_CHARACTERISTICS, language)),
        (_("Cancelled, registered"), item_header,
         _item_rows(cancelled_registered(reader), language)),
        (_("Without users"), item_header, _item_rows(without_users(reader), language)),
        (_("Restrictive lists"), [_("Catalogue number"), _("Bureau procuring")],
         ([row["catalogue_number"], row["bureau"]] for row in restricted_procured_rows(reader))),
    ]  # fmt: skip
    return write_xlsx(out, sheets)


def supply_group_titles(codes: Iterable[str], language: str | None) -> dict[str, str]:
    """The titles of these supply groups (the current title of each) in the language asked."""
    titles: dict[str, str] = {}
    rows = SupplyGroup.objects.filter(code__in=set(codes)).order_by("code", "-valid_from")
    for code, names in rows.values_list("code", "titles"):
        titles.setdefault(code, pick_text(names, language))
    return titles
