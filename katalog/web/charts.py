"""Bar charts drawn on the server as inline SVG: no script, readable without colour.

Every bar carries its label above it and its number beside it, so the chart reads the same in
greyscale, printed or through a screen reader; the part of a bar that needs attention (overdue
requests, say) is hatched and its number is written out. The chart has a `<title>` and a
`<desc>` naming what it counts, and each bar links to the search or list it summarises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 560
LABEL_CHARACTERS = 80  # what fits the width at the labels' size; the full label is in <title>
ROW = 38  # one bar: its label line and the bar below it
LABEL_BASELINE = 13
BAR_TOP = 18
BAR_HEIGHT = 14
NUMBER_ROOM = 150  # room right of the longest bar for its number
PAD = 4


@dataclass(frozen=True)
class Bar:
    """One bar: what it counts, how many, where the counted things are listed. `marked` is the
    part of `value` drawn hatched, `note` the words written after the number (e.g. "2 overdue")."""

    label: str
    value: float
    url: str = ""
    marked: float = 0
    note: str = ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _bar(index: int, bar: Bar, scale: float, chart_id: str) -> str:
    y = PAD + index * ROW
    length = max(bar.value * scale, 1 if bar.value else 0)
    marked = min(bar.marked, bar.value) * scale
    number = _number(bar.value) + (f" · {bar.note}" if bar.note else "")
    label, shown = escape(bar.label), escape(number)
    parts = [
        f'<g class="bar"><title>{label}: {shown}</title>',
        f'<text x="0" y="{y + LABEL_BASELINE}" class="label">{escape(_short(bar.label))}</text>',
        f'<rect x="0" y="{y + BAR_TOP}" width="{length:.1f}" height="{BAR_HEIGHT}" class="fill"/>',
    ]
    if marked:
        parts.append(
            f'<rect x="{length - marked:.1f}" y="{y + BAR_TOP}" width="{marked:.1f}" '
            f'height="{BAR_HEIGHT}" fill="url(#{chart_id}-hatch)" class="marked"/>'
        )
    parts.append(
        f'<text x="{length + PAD:.1f}" y="{y + BAR_TOP + BAR_HEIGHT - 2}" class="number">'
        f"{shown}</text></g>"
    )
    body = "".join(parts)
    if bar.url:
        return f'<a href="{escape(bar.url)}" aria-label="{label}: {shown}">{body}</a>'
    return body


def _short(label: str) -> str:
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    empty: str = "",
    maximum: float | None = None,
) -> SafeString:
    """A horizontal bar chart as an `<svg>` element to put in a page (or serve on its own).

    `chart_id` must be unique on the page: the title, description and hatching are referred to
    by ids made from it. An empty chart still says what it would count (`empty`). `maximum`
    is the value of a full-length bar (100 for scores, so means compare with the scale);
    without it the longest bar fills the width.
    """
    top = maximum or max((bar.value for bar in bars), default=0)
    scale = (WIDTH - NUMBER_ROOM) / top if top else 0
    height = PAD * 2 + max(len(bars), 1) * ROW
    ident = escape(chart_id)
    rows = "".join(_bar(i, bar, scale, ident) for i, bar in enumerate(bars))
    if not bars:
        rows = f'<text x="0" y="{PAD + BAR_TOP}" class="label">{escape(empty)}</text>'
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="group" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width:{WIDTH}px" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="3"/></pattern></defs>'
        f"<style>.label,.number{{font:12px sans-serif;fill:#000}}.fill{{fill:#4a5f7a}}"
        f".marked{{stroke:#000;stroke-width:1}}a:focus .label,a:hover .label"
        f"{{text-decoration:underline}}</style>"
        f"{rows}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text and URL above is escaped
