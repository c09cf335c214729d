"""The dashboards: the catalogue at a glance under the home search box, and data quality per
bureau and for the centre. Every figure comes from an aggregate selector taking the reader, and
every chart links to the search or list of what it counts."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from katalog.accounts.models import BureauKind
from katalog.accounts.selectors import bureau_names
from katalog.catalog.summary_selectors import (
    item_counts,
    item_counts_by_month,
    newest_items,
)
from katalog.catalog.visibility import read_scope
from katalog.codification.selectors import request_queue
from katalog.core.errors import AuthenticationRequired
from katalog.core.i18n import pick_text
from katalog.jobs.selectors import recent_imports
from katalog.quality.selectors import (
    QualitySummary,
    quality_summary,
    rule_exists,
    rule_texts,
    worst_items,
)
from katalog.web import prefs
from katalog.web.charts import Bar, bar_chart
from katalog.web.errors import shows_refusals

ALL_BUREAUS = "all"


def _search_url(**params: str | int) -> str:
    return f"{reverse('web:search')}?{urlencode(params)}"


def _month_label(key: str) -> str:
    month = dt.datetime.strptime(key, "%Y-%m").date()  # noqa: DTZ007 - a calendar month
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _chart(**options: Any) -> dict[str, Any]:
    """A chart and its title, which the page also shows as the figure's caption."""
    return {"title": options["title"], "svg": bar_chart(**options)}


def _items_label(count: int) -> str:
    return ngettext("%(n)d item", "%(n)d items", count) % {"n": count}


# --- the home page ------------------------------------------------------------------------------


def _catalogue_charts(reader: Any, language: str) -> list[dict[str, Any]]:
    counts = item_counts(reader=reader, language=language)
    statuses, bureaus = counts.statuses, counts.bureaus
    months = item_counts_by_month(reader=reader)
    empty = _("No items yet")
    return [
        _chart(
            chart_id="chart-status",
            title=_("Items by status"),
            description=_("How many items of supply have each status; each bar opens them."),
            bars=[Bar(c.label, c.count, _search_url(status=c.value)) for c in statuses],
            empty=empty,
        ),
        _chart(
            chart_id="chart-bureau",
            title=_("Items by assigning bureau"),
            description=_("How many items each bureau assigned; each bar opens them."),
            bars=[Bar(c.label, c.count, _search_url(bureau=c.value)) for c in bureaus],
            empty=empty,
        ),
        _chart(
            chart_id="chart-month",
            title=_("Codifications per month"),
            description=_("Items given their catalogue number in each of the last twelve months."),
            bars=[
                Bar(_month_label(c.value), c.count, _search_url(codified=c.value)) for c in months
            ],
            empty=empty,
        ),
    ]


def _queue_chart(reader: Any) -> dict[str, Any]:
    stages = request_queue(reader=reader)
    url = reverse("web:request-list")
    bars = [
        Bar(
            s.label,
            s.count,
            f"{url}?{urlencode({'state': s.state})}",
            marked=s.overdue,
            note=ngettext("%(n)d overdue", "%(n)d overdue", s.overdue) % {"n": s.overdue}
            if s.overdue
            else "",
        )
        for s in stages
    ]
    return _chart(
        chart_id="chart-queue",
        title=_("Requests of your bureau by stage"),
        description=_(
            "Open codification requests at each stage of the workflow; the hatched part of a bar"
            " is past the due date set by the request's priority."
        ),
        bars=bars,
    )


def home_dashboard(request: HttpRequest) -> dict[str, Any] | None:
    """What the home page shows under the search box; None for a visitor who may not read."""
    reader = request.user
    try:
        read_scope(reader)
    except AuthenticationRequired:
        return None
    language = prefs.language()
    signed_in = reader.is_authenticated
    has_bureau = signed_in and getattr(reader, "bureau", None) is not None
    return {
        "charts": _catalogue_charts(reader, language),
        "queue": _queue_chart(reader) if has_bureau else None,
        "imports": recent_imports(actor=reader) if reader.is_authenticated else [],
        "newest": newest_items(reader=reader, language=language),
    }


# --- the quality dashboard ----------------------------------------------------------------------


def _chosen_bureau(request: HttpRequest) -> str | None:
    """The bureau asked for; by default a national bureau's member sees their bureau's items,
    the centre and visitors the whole catalogue."""
    asked = request.GET.get("bureau", "").strip().upper()
    if asked == ALL_BUREAUS.upper():
        return None
    if asked:
        return asked
    own = getattr(request.user, "bureau", None)
    return own.key if own is not None and own.kind != BureauKind.CENTRE else None


def _bucket_url(low: int, high: int, bureau: str | None) -> str:
    params: dict[str, str | int] = {"quality_from": low}
    if high < 100:
        params["quality_below"] = high + 1
    if bureau:
        params["bureau"] = bureau
    return _search_url(**params)


def _scored_url(bureau: str | None, **params: str | int) -> str:
    """The search of the scored items (score at least 0) of this slice."""
    if bureau:
        params["bureau"] = bureau
    return _search_url(quality_from=0, **params)


def _average_bar(label: str, average: float, count: int, url: str) -> Bar:
    return Bar(label, average, url, note=_items_label(count))


def _quality_charts(found: QualitySummary, bureau: str | None) -> list[dict[str, Any]]:
    worklist = reverse("web:quality")
    base = {"bureau": bureau or ALL_BUREAUS}  # the work list's default would be the own bureau
    empty = _("No item has been scored yet.")
    averages = _("Mean score out of 100, with the number of scored items; each bar opens them.")
    return [
        _chart(
            chart_id="chart-buckets",
            title=_("Items by quality score"),
            description=_("How many scored items fall in each band of ten points."),
            bars=[
                Bar(f"{b.low}–{b.high}", b.count, _bucket_url(b.low, b.high, bureau))
                for b in found.buckets
            ],
        ),
        _chart(
            chart_id="chart-rules",
            title=_("Rules failed most"),
            description=_("How many items fail each rule; each bar opens the work list."),
            bars=[
                Bar(r.message, r.failed, f"{worklist}?{urlencode({**base, 'rule': r.code})}")
                for r in found.rules
            ],
            empty=empty,
        ),
        _chart(
            chart_id="chart-groups",
            title=_("Quality by supply group"),
            description=averages,
            bars=[
                _average_bar(
                    f"{a.value} {a.label}", a.average, a.count, _scored_url(bureau, group=a.value)
                )
                for a in found.groups
            ],
            empty=empty,
            maximum=100,
        ),
        _chart(
            chart_id="chart-bureaus",
            title=_("Quality by assigning bureau"),
            description=averages,
            bars=[
                _average_bar(a.label, a.average, a.count, _scored_url(a.value))
                for a in found.bureaus
            ],
            empty=empty,
            maximum=100,
        ),
        _chart(
            chart_id="chart-trend",
            title=_("Quality by month of codification"),
            description=_(
                "Mean score of the items codified in each of the last twelve months, with their"
                " number."
            ),
            bars=[
                _average_bar(
                    _month_label(a.value), a.average, a.count, _scored_url(bureau, codified=a.value)
                )
                for a in found.months
            ],
            empty=empty,
            maximum=100,
        ),
        _chart(
            chart_id="chart-score-trend",
            title=_("Quality trend"),
            description=_(
                "Mean score of the scored items as it stood at the end of each month, with"
                " their number."
            ),
            bars=[
                _average_bar(_month_label(a.value), a.average, a.count, _scored_url(bureau))
                for a in found.trend
            ],
            empty=_("No snapshot of the scores has been taken yet."),
            maximum=100,
        ),
    ]


def _bureau_choices(language: str) -> list[tuple[str, str]]:
    return [(key, pick_text(names, language) or key) for key, names in bureau_names().items()]


@shows_refusals
def quality_page(request: HttpRequest) -> HttpResponse:
    bureau = _chosen_bureau(request)
    rule = request.GET.get("rule", "").strip().upper()
    rule = rule if rule and rule_exists(rule) else ""
    language = prefs.language()
    found = quality_summary(reader=request.user, bureau=bureau, language=language)
    context = {
        "summary": found,
        "bureau": bureau or "",
        "bureaus": _bureau_choices(language),
        "rule": rule_texts([rule])[rule].message if rule else "",
        "charts": _quality_charts(found, bureau),
        "worst": worst_items(
            reader=request.user, bureau=bureau, rule=rule or None, language=language
        ),
        "all_bureaus": ALL_BUREAUS,
    }
    return render(request, "web/quality.html", context)
