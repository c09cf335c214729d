"""A classification version published as a document: PDF for print through Typst, DOCX for
editing, both from one content (title page, introduction, structure by level with explanatory
notes, alphabetical index, correspondence annexes, changes against the previous version).

The PDF is set in DejaVu Sans, shipped in `data/fonts/` (Bitstream Vera licence): it draws
Cyrillic with the Kazakh, Kyrgyz, Tajik and Belarusian letters, Armenian, Arabic and the
Uzbek Latin modifier letters, which Typst's bundled fonts do not all have. System fonts are
ignored, so the document looks the same on every machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from katalog.classifiers import docx, selectors
from katalog.classifiers.choices import LEVEL_ORDER
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.models import NationalClassifier, Version
from katalog.core.errors import FieldError, KatalogError, ValidationFailed
from katalog.core.i18n import pick

PACKAGE = Path(__file__).resolve().parent
TEMPLATE = PACKAGE / "templates" / "classifiers" / "publish" / "classifier.typ"
FONTS = PACKAGE / "data" / "fonts"
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
RTL_LANGUAGES = {"ar", "fa", "he", "ur"}
CHANGE_KINDS_ORDER = ["new", "removed", "renamed", "split", "merged"]


class PublishFailed(KatalogError):
    status = 500
    exit_code = 1
    default_code = E.PUBLISH_FAILED
    title = "The document could not be made"


@dataclass
class Published:
    content: bytes
    filename: str
    content_type: str


def publish(*, version: Version, language: str, fmt: str) -> Published:
    """The version as a PDF or DOCX document in `language` (Russian or a language it has)."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            f"Unknown document format {fmt!r}; use pdf or docx.",
            code=E.PUBLISH_FORMAT_UNKNOWN,
            errors=[FieldError("format", E.PUBLISH_FORMAT_UNKNOWN, "Use pdf or docx.")],
        )
    allowed = selectors.publish_languages(version=version)
    if language not in allowed:
        raise ValidationFailed(
            f"{version.slug} is published in {', '.join(allowed)}, not in {language!r}.",
            code=E.LANGUAGE_NOT_IN_VERSION,
            errors=[FieldError("language", E.LANGUAGE_NOT_IN_VERSION, ", ".join(allowed))],
        )
    content = document_content(version=version, language=language)
    body = render_pdf(content) if fmt == "pdf" else docx.render(content)
    return Published(body, f"{version.slug}-{language}.{fmt}", FORMATS[fmt])


def render_pdf(content: dict[str, Any]) -> bytes:
    import typst  # imported here: only publishing needs the compiler

    try:
        return typst.compile(
            str(TEMPLATE),
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(content, ensure_ascii=False)},
        )
    except typst.TypstError as exc:
        raise PublishFailed(f"Typst could not set the document: {exc}") from exc


# --- content --------------------------------------------------------------------------------


def _ui_language(language: str) -> str:
    """The language of the document's own words: the interface's, else English."""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else "en"


def document_content(*, version: Version, language: str) -> dict[str, Any]:
    """Everything the document shows, as plain JSON-ready data."""
    with translation.override(_ui_language(language)):
        items = list(selectors.items_at(version=version).order_by("position", "code"))
        content = {
            "lang": language,
            "rtl": language in RTL_LANGUAGES,
            "labels": _labels(),
            "title": _title_page(version, language),
            "introduction": _introduction(version, language, items),
            "levels": _level_counts(version, items, language),
            "structure": _structure(version, items, language),
            "index": _index(items, language),
            "annexes": _annexes(version, language),
            "changes": _changes(version, language),
        }
        fallback = sum(1 for i in items if pick(i.names, language).is_fallback)
        content["fallback_note"] = (
            _(
                "%(count)s titles have no text in this language; they are given in another "
                "language, marked with its code."
            )
            % {"count": fallback}
            if fallback
            else ""
        )
    return content


def _labels() -> dict[str, str]:
    return {
        "approved": _("Approving act"),
        "published_by": _("Published by katalog on"),
        "introduction": _("Introduction"),
        "structure": _("Structure"),
        "level": _("Level"),
        "codes": _("Codes"),
        "code": _("Code"),
        "title": _("Title"),
        "index": _("Alphabetical index"),
        "annex": _("Annex"),
        "changes": _("Changes against the previous version"),
        "change": _("Change"),
        "old_codes": _("Old codes"),
        "new_codes": _("New codes"),
        "no_changes": _("No changes are recorded."),
    }


def _text(values: dict[str, str], language: str) -> str:
    return pick(values, language).text


def _titled(values: dict[str, str], language: str) -> dict[str, Any]:
    chosen = pick(values, language)
    return {"text": chosen.text, "lang": chosen.language, "fallback": chosen.is_fallback}


def _title_page(version: Version, language: str) -> dict[str, str]:
    start = version.valid_from.isoformat()
    validity = (
        _("Valid from %(start)s to %(end)s") % {"start": start, "end": version.valid_to.isoformat()}
        if version.valid_to
        else _("Valid from %(start)s") % {"start": start}
    )
    return {
        "classification": _text(version.classification.names, language),
        "version": _text(version.names, language),
        "owner": version.classification.owner,
        "validity": validity,
        "legal_base": _text(version.legal_base, language),
        "as_published": selectors.as_published_text(version, language),
        "generated": selectors.today().isoformat(),
    }


def _introduction(version: Version, language: str, items: list[Any]) -> list[str]:
    own = _text(version.introduction, language)
    paragraphs = [own] if own else []
    paragraphs.append(
        _(
            "The version holds %(count)s codes on %(levels)s levels. Each code is listed in the "
            "structure with its title and explanatory notes, by level; the index lists the "
            "titles alphabetically; the annexes give the correspondence to other classifications "
            "and the changes against the previous version."
        )
        % {"count": len(items), "levels": version.levels.count()}
    )
    if version.source:
        paragraphs.append(_("Source: %(source)s") % {"source": version.source})
    return paragraphs


def _level_name(level: Any, language: str) -> str:
    return _text(level.names, language) or level.slug


def _level_counts(version: Version, items: list[Any], language: str) -> list[dict[str, Any]]:
    counts: dict[int, int] = {}
    for item in items:
        counts[item.level_id] = counts.get(item.level_id, 0) + 1
    return [
        {"name": _level_name(level, language), "count": counts.get(level.pk, 0)}
        for level in version.levels.order_by("number")
    ]


def _structure(version: Version, items: list[Any], language: str) -> list[dict[str, Any]]:
    by_level: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        by_level.setdefault(item.level_id, []).append(
            {
                "code": item.code,
                "title": _titled(item.names, language),
                "notes": " ".join(_text(item.notes, language).split()),
            }
        )
    return [
        {"name": _level_name(level, language), "items": by_level.get(level.pk, [])}
        for level in sorted(version.levels.all(), key=lambda lv: LEVEL_ORDER.index(lv.slug))
    ]


def collation_key(title: str) -> str:
    """Alphabetical order of titles: case aside, and ё sorted with е as Russian indexes do."""
    return title.casefold().replace("ё", "е")


def _index(items: list[Any], language: str) -> list[dict[str, str]]:
    entries = [{"title": _text(i.names, language), "code": i.code} for i in items]
    return sorted(entries, key=lambda e: (collation_key(e["title"]), e["code"]))


def annex_targets(version: Version) -> list[Version]:
    """ISIC Rev.4 and Rev.5 and the versions the member states code in, in force today, except
    those of the version's own classification."""
    today = selectors.today()
    wanted = list(Version.objects.filter(classification__slug="isic").order_by("valid_from"))
    national = NationalClassifier.objects.values_list("classification_id", flat=True).distinct()
    for classification_id in sorted(set(national)):
        current = (
            Version.objects.published().valid_at(today).filter(classification_id=classification_id)
        )
        wanted += list(current)
    seen: set[int] = set()
    out = []
    for target in wanted:
        if target.classification_id != version.classification_id and target.pk not in seen:
            seen.add(target.pk)
            out.append(target)
    return out


def _annexes(version: Version, language: str) -> list[dict[str, Any]]:
    annexes = []
    for target in annex_targets(version):
        try:
            route, rows = selectors.compose_table(source=version, target=target)
        except KatalogError:
            continue  # no tables lead there
        targets: dict[str, list[str]] = {}
        order: list[str] = []
        for row in rows:
            if row.source.code not in targets:
                targets[row.source.code] = []
                order.append(row.source.code)
            if row.target is not None:
                targets[row.source.code].append(row.target.node.code)
        tables = ", ".join(step.table.slug for step in route)
        annexes.append(
            {
                "title": _("Correspondence to %(target)s")
                % {"target": _text(target.names, language)},
                "source": _text(version.names, language),
                "target": _text(target.names, language),
                "note": _(
                    "Best-supported codes of %(target)s for each code, composed through the "
                    "tables %(tables)s."
                )
                % {"target": target.slug, "tables": tables},
                "rows": [{"code": c, "targets": ", ".join(targets[c]) or "—"} for c in order],
            }
        )
    return annexes


def previous_version(version: Version) -> Version | None:
    return (
        Version.objects.filter(
            classification_id=version.classification_id, valid_from__lt=version.valid_from
        )
        .order_by("-valid_from")
        .first()
    )


def _changes(version: Version, language: str) -> dict[str, Any]:
    rows: list[dict[str, str]] = []
    previous = previous_version(version)
    labels = {"new": _("new"), "removed": _("removed"), "renamed": _("renamed"),
              "split": _("split"), "merged": _("merged"), "added": _("added"),
              "closed": _("closed")}  # fmt: skip
    if previous is not None:
        result = selectors.changes_between(source=previous, target=version, language=language)
        for change in result.changes:
            rows.append(
                {
                    "kind": labels[change.kind],
                    "old": " ".join(change.source_codes),
                    "new": " ".join(change.target_codes),
                    "title": change.target_title or change.source_title,
                }
            )
        note = _("Against %(previous)s.") % {"previous": _text(previous.names, language)}
    else:
        note = _("This is the first version of the classification held here.")
    for amendment in selectors.amendment_list(version=version):
        for c in amendment.changes.all():
            rows.append(
                {
                    "kind": f"{labels[c.kind]} ({amendment.number}, {amendment.in_force_from})",
                    "old": c.item.code if c.kind != "added" else "",
                    "new": c.item.code if c.kind != "closed" else "",
                    "title": _text(c.new_names or c.old_names, language),
                }
            )
    return {"note": note, "rows": rows}


# --- glyph coverage -------------------------------------------------------------------------


def font_characters(path: Path) -> set[int]:
    """The characters a TrueType font maps to glyphs (its cmap, formats 4 and 12), to check
    that the shipped fonts draw every letter of the titles and labels they set."""
    import struct

    data = path.read_bytes()
    tables = struct.unpack(">H", data[4:6])[0]
    offset = next(
        struct.unpack(">I", data[12 + 16 * n + 8 : 12 + 16 * n + 12])[0]
        for n in range(tables)
        if data[12 + 16 * n : 12 + 16 * n + 4] == b"cmap"
    )
    found: set[int] = set()
    for n in range(struct.unpack(">H", data[offset + 2 : offset + 4])[0]):
        record = offset + 4 + 8 * n
        sub = offset + struct.unpack(">I", data[record + 4 : record + 8])[0]
        fmt = struct.unpack(">H", data[sub : sub + 2])[0]
        if fmt == 4:
            found |= _format4(data, sub)
        elif fmt == 12:
            groups = struct.unpack(">I", data[sub + 12 : sub + 16])[0]
            for g in range(groups):
                start, end, _glyph = struct.unpack(
                    ">III", data[sub + 16 + 12 * g : sub + 28 + 12 * g]
                )
                found |= set(range(start, end + 1))
    return found


def _format4(data: bytes, sub: int) -> set[int]:
    import struct

    segments = struct.unpack(">H", data[sub + 6 : sub + 8])[0] // 2
    ends = struct.unpack(f">{segments}H", data[sub + 14 : sub + 14 + 2 * segments])
    starts_at = sub + 16 + 2 * segments
    starts = struct.unpack(f">{segments}H", data[starts_at : starts_at + 2 * segments])
    found: set[int] = set()
    for start, end in zip(starts, ends, strict=True):
        if start != 0xFFFF:
            found |= set(range(start, end + 1))
    return found
