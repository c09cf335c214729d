"""Reading the charts of a page: each inline `<svg>` parsed as XML, and its bars."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)


def charts(html: str) -> dict[str, ET.Element]:
    """Every chart of the page, parsed as XML (a malformed one fails here), by its id."""
    found = {}
    for text in SVG_RE.findall(html):
        # The product's own page under test, not outside input.
        svg = ET.fromstring(text)  # noqa: S314
        title = svg.find(f"{SVG}title")
        found[title.get("id").removesuffix("-title")] = svg
    return found


def bars(svg: ET.Element) -> list[tuple[str, float, str]]:
    """(label, number, link) of each bar of a chart; the number is the first word beside it."""
    rows = []
    for link in svg.iter(f"{SVG}a"):
        texts = {t.get("class"): t.text for t in link.iter(f"{SVG}text")}
        number = float(texts["number"].split(" ")[0])
        rows.append(
            (texts["label"], int(number) if number.is_integer() else number, link.get("href"))
        )
    return rows


def full_labels(svg: ET.Element) -> list[str]:
    """The whole label of each bar (its `<title>`, before the number)."""
    return [g.find(f"{SVG}title").text.rsplit(": ", 1)[0] for g in svg.iter(f"{SVG}g")]
