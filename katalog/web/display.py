"""How values are shown: characteristic values in the reader's unit system, coded replies and
qualifiers in words, prices with the separators of the reader's language."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from katalog.core import units
from katalog.core.errors import ValidationFailed
from katalog.core.i18n import pick_text

# A unit entered in one system and its everyday counterpart in the other.
_TO_IMPERIAL = {
    "MMT": "INH", "CMT": "INH", "MTR": "FOT", "KGM": "LBR", "GRM": "ONZ", "LTR": "GLL",
    "KPA": "PS", "BAR": "PS", "CEL": "FAH", "NU": "F21",
}  # fmt: skip
_TO_METRIC = {"INH": "MMT", "FOT": "MTR", "LBR": "KGM", "ONZ": "GRM", "GLL": "LTR", "GLI": "LTR",
              "PS": "KPA", "FAH": "CEL", "F21": "NU"}  # fmt: skip


def shown_unit(unit_code: str, system: str) -> str:
    """The unit to show a value entered in `unit_code` in, for a reader of `system`."""
    table = _TO_IMPERIAL if system == "imperial" else _TO_METRIC
    return table.get(unit_code, unit_code)


def characteristic_text(value: dict[str, Any], *, system: str, locale: str) -> str:
    """A characteristic reply as the reader wants it: numbers in their units, else as given."""
    canonical, unit = value.get("canonical_unit"), value.get("unit")
    if value.get("value") is None or not canonical or not unit:
        return str(value.get("reply") or value.get("raw") or "")
    target = shown_unit(unit, system)
    try:
        low = units.format_quantity(
            value["value"], canonical_unit=canonical, unit_code=target, locale=locale
        )
        if value.get("value_max") is None:
            return low
        high = units.format_quantity(
            value["value_max"], canonical_unit=canonical, unit_code=target, locale=locale
        )
    except (ValidationFailed, ValueError):
        return str(value.get("raw") or "")
    return f"{low} – {high}"


# Qualifiers of a numeric reply (names.values.QUALIFIERS) in words; "NOM" goes unsaid.
QUALIFIER_WORDS = {"MIN": gettext_lazy("at least"), "MAX": gettext_lazy("at most")}
BOOLEAN_WORDS = {"yes": gettext_lazy("yes"), "no": gettext_lazy("no")}


def reply_text(shown: str, *, meanings: dict[str, str] | None, locale: str) -> str:
    """A reply in words: a coded reply as its meaning in the reader's language, yes/no as the
    language's word; anything else as it is shown already."""
    if meanings:
        return pick_text(meanings, locale) or shown
    word = BOOLEAN_WORDS.get(shown.strip().lower())
    return str(word) if word is not None else shown


def qualifier_text(qualifier: str | None, *, expert: bool) -> str:
    """What to write before a value: the code to an expert, the word to everyone else."""
    if not qualifier or qualifier == "NOM":
        return ""
    if expert:
        return qualifier
    word = QUALIFIER_WORDS.get(qualifier)
    return str(word) if word is not None else qualifier


def price_text(price: str | None, *, locale: str) -> str:
    """A price with the separators of the reader's language (12 345,60 in Russian)."""
    from babel.numbers import format_decimal

    if not price:
        return ""
    return format_decimal(Decimal(price), format="#,##0.00", locale=locale.replace("-", "_"))


# The job kinds of katalog.jobs.registry in words ("import-items" is an identifier).
JOB_KINDS = {
    "import-items": gettext_lazy("import of items"),
    "import-manufacturers": gettext_lazy("import of manufacturers"),
    "import-references": gettext_lazy("import of references"),
    "import-characteristics": gettext_lazy("import of characteristic values"),
    "import-registrations": gettext_lazy("import of user registrations"),
    "import-management": gettext_lazy("import of management data"),
    "export-items": gettext_lazy("export of items"),
    "screening": gettext_lazy("screening of a parts list"),
    "quality-reduction": gettext_lazy("nomenclature-reduction report"),
    "quality-rescore": gettext_lazy("rescoring after a change of a quality rule"),
}
# What the file of an import kind holds, for the upload form's choice.
IMPORT_CONTENTS = {
    "import-items": gettext_lazy("items of supply"),
    "import-manufacturers": gettext_lazy("manufacturers"),
    "import-references": gettext_lazy("reference numbers"),
    "import-characteristics": gettext_lazy("characteristic values"),
    "import-registrations": gettext_lazy("user registrations"),
    "import-management": gettext_lazy("management data"),
}
# The counts of a job's summary worth showing, in words; the rest (the kind, the dry-run flag,
# the result file's name) is shown elsewhere on the page or not at all.
SUMMARY_COUNTS = {
    "total": gettext_lazy("rows read"),
    "created": gettext_lazy("records created"),
    "updated": gettext_lazy("records updated"),
    "skipped": gettext_lazy("rows skipped (already there)"),
    "rejected": gettext_lazy("rows rejected"),
    "resumed_after_line": gettext_lazy("resumed after line"),
    "rows": gettext_lazy("rows written"),
    "lines": gettext_lazy("lines screened"),
    "duplicate": gettext_lazy("probable duplicates"),
    "review": gettext_lazy("possible duplicates to review"),
    "no_duplicate": gettext_lazy("no duplicate found"),
    "not_screened": gettext_lazy("nothing to screen"),
    "duplicate_clusters": gettext_lazy("groups of probable duplicates"),
    "same_clusters": gettext_lazy("groups with the same key characteristics"),
    "cancelled_registered": gettext_lazy("cancelled items still registered"),
    "without_users": gettext_lazy("items without users"),
}
ERROR_REPORT_HEADER = (
    gettext_lazy("line"),
    gettext_lazy("column"),
    pgettext_lazy("error report", "code"),
    gettext_lazy("message"),
)


def job_kind_text(kind: str) -> str:
    label = JOB_KINDS.get(kind)
    return str(label) if label is not None else kind


def import_content_text(kind: str) -> str:
    label = IMPORT_CONTENTS.get(kind)
    return str(label) if label is not None else kind.removeprefix("import-")


def job_summary(counts: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """(words, number) for the counts of a finished job; a line number of 0 goes unsaid."""
    shown = []
    for key, label in SUMMARY_COUNTS.items():
        value = (counts or {}).get(key)
        if value is None or (key == "resumed_after_line" and not value):
            continue
        shown.append((str(label), value))
    return shown


_NUMBER_AND_UNIT = re.compile(r"(?P<number>.*\d)\s+(?P<unit>[A-Z0-9]{2,3})")


def typed_reply_text(raw: str, *, locale: str) -> str:
    """A reply as the form stored it ("10 MMT") with the unit's symbol ("10 мм")."""
    found = _NUMBER_AND_UNIT.fullmatch(raw.strip())
    if found is None:
        return raw
    try:
        symbol = units.unit_symbol(found["unit"], locale=locale)
    except (ValidationFailed, KeyError):
        return raw
    return f"{found['number']} {symbol}"


RELATION_WORDS = {
    "master": gettext_lazy("master item"),
    "replacement": gettext_lazy("replacement of the cancelled item"),
}


def relation_text(relation: str) -> str:
    """A relation of an interchangeability family (or the master, or a replacement) in words."""
    from katalog.catalog.models import InterchangeRelation

    if relation in InterchangeRelation.values:
        return str(InterchangeRelation(relation).label)
    label = RELATION_WORDS.get(relation)
    return str(label) if label is not None else relation
