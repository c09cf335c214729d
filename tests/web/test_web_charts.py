"""The chart module: well-formed SVG whatever the labels hold, numbers written beside the bars,
the marked part hatched, long labels shortened on the bar and whole in its title."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from katalog.web.charts import LABEL_CHARACTERS, Bar, bar_chart
from tests.svg import SVG, bars, charts, full_labels


def chart(*items: Bar, **options) -> ET.Element:
    svg = bar_chart(
        chart_id="c", title="Title <&>", description="What & why", bars=items, **options
    )
    return charts(str(svg))["c"]


def test_labels_and_links_are_escaped_and_the_svg_parses():
    svg = chart(Bar('<script>"x"</script> & co', 3, "/search/?a=1&b=<2>"))
    assert svg.find(f"{SVG}title").text == "Title <&>"
    assert svg.find(f"{SVG}desc").text == "What & why"
    assert bars(svg) == [('<script>"x"</script> & co', 3, "/search/?a=1&b=<2>")]
    assert not list(svg.iter(f"{SVG}script"))


def test_bar_lengths_follow_the_values_and_the_maximum():
    svg = chart(Bar("a", 10), Bar("b", 5), Bar("c", 0))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "fill"]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    scored = chart(Bar("a", 50), maximum=100)
    full = chart(Bar("a", 100), maximum=100)
    half = [float(r.get("width")) for r in scored.iter(f"{SVG}rect") if r.get("class") == "fill"]
    whole = [float(r.get("width")) for r in full.iter(f"{SVG}rect") if r.get("class") == "fill"]
    assert half[0] * 2 == whole[0]


def test_the_marked_part_is_hatched_and_its_note_written():
    svg = chart(Bar("submitted", 4, "/r/", marked=1, note="1 overdue"))
    hatched = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "marked"]
    fill = next(r for r in svg.iter(f"{SVG}rect") if r.get("class") == "fill")
    assert len(hatched) == 1
    assert float(hatched[0].get("width")) * 4 == float(fill.get("width"))
    assert hatched[0].get("fill") == "url(#c-hatch)"
    assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "number"] == [
        "4 · 1 overdue"
    ]


def test_a_long_label_is_shortened_on_the_bar_and_whole_in_its_title():
    label = "word " * 40
    svg = chart(Bar(label, 1, "/x/"))
    shown = next(t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "label")
    assert len(shown) <= LABEL_CHARACTERS
    assert shown.endswith("…")
    assert full_labels(svg) == [label]


def test_an_empty_chart_says_so():
    svg = chart(empty="Nothing yet")
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["Nothing yet"]
