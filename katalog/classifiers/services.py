"""Changes to classification data: importing versions and tables, manufacturers' activities.

Services take keyword-only arguments and an `actor` (None for system loads), run in a
transaction, raise domain errors and return what they changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from katalog.classifiers import selectors
from katalog.classifiers.choices import LEVEL_NAMES, TableKind, TableMethod, VersionStatus
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.files import item_rows, read_records
from katalog.classifiers.models import (
    Classification,
    CorrespondenceRow,
    CorrespondenceTable,
    Item,
    Level,
    ManufacturerActivity,
    NationalClassifier,
    Version,
)
from katalog.classifiers.rules import (
    ItemRow,
    check_item_rows,
    dates_overlap,
    depth_order,
    level_rank,
)
from katalog.core.errors import Conflict, FieldError, RowError, RuleViolation, ValidationFailed
from katalog.core.text import ascii_word_key

BATCH = 1000


def search_text(names: dict[str, str]) -> str:
    """Transliterated, case-folded titles: one key for every script (see core.text)."""
    return " | ".join(ascii_word_key(text) for text in names.values() if text)


def row_errors_to_fields(errors: list[RowError]) -> list[FieldError]:
    return [FieldError(f"line {e.line}: {e.column}", e.code, e.message) for e in errors]


def check_version_dates(
    *,
    classification: Classification,
    valid_from: dt.date,
    valid_to: dt.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Versions of one classification never overlap; an interval ends on or after it starts."""
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(
            "valid_to is before valid_from.",
            code=E.VERSION_DATES_REVERSED,
            errors=[
                FieldError("valid_to", E.VERSION_DATES_REVERSED, "Must not be before valid_from.")
            ],
        )
    for other in classification.versions.exclude(pk=exclude_pk):
        if dates_overlap(valid_from, valid_to, other.valid_from, other.valid_to):
            until = other.valid_to.isoformat() if other.valid_to else "open end"
            raise RuleViolation(
                f"The dates overlap version {other.slug} ({other.valid_from.isoformat()} – {until}).",
                code=E.VERSION_OVERLAP,
                data={"overlaps": other.slug},
            )


def _apply_items(*, version: Version, rows: list[ItemRow]) -> int:
    """Save checked rows (trusted input): levels, then items layer by layer, parents first."""
    used = sorted({r.level for r in rows}, key=level_rank)
    levels = {
        slug: Level.objects.create(
            version=version, number=n, slug=slug, names=LEVEL_NAMES.get(slug, {"en": slug})
        )
        for n, slug in enumerate(used, start=1)
    }
    position = {r.code: n for n, r in enumerate(rows)}
    ids: dict[str, int] = {}
    for layer in depth_order(rows):
        objs = [
            Item(
                version=version,
                level=levels[r.level],
                code=r.code,
                parent_id=ids.get(r.parent),
                names=r.names,
                notes=r.notes,
                position=position[r.code],
                search_text=search_text(r.names),
            )
            for r in layer
        ]
        for obj in Item.objects.bulk_create(objs, batch_size=BATCH):
            ids[obj.code] = obj.pk
    version.languages = sorted({lang for r in rows for lang in r.names})
    version.save(update_fields=["languages"])
    return len(ids)


def _version_create(
    *,
    classification: Classification,
    slug: str,
    names: dict[str, str],
    valid_from: dt.date,
    valid_to: dt.date | None,
    status: str,
    source: str,
) -> Version:
    if Version.objects.filter(slug=slug).exists():
        raise Conflict(f"Version {slug!r} already exists.", code=E.VERSION_EXISTS)
    check_version_dates(classification=classification, valid_from=valid_from, valid_to=valid_to)
    version = Version(
        classification=classification,
        slug=slug,
        names=names,
        valid_from=valid_from,
        valid_to=valid_to,
        status=status,
        source=source,
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def version_import(
    *,
    classification: str,
    slug: str,
    names: dict[str, str],
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    content: bytes,
    filename: str,
    status: str = VersionStatus.PUBLISHED,
    actor: Any = None,
) -> Version:
    """Import a new version from CSV or XLSX (columns code, level, parent, name_<lang>...,
    notes_<lang>...). Rejects the whole file if any row is bad: parents must exist, a parent's
    level must be above its child's, codes must be unique, and the dates must not overlap
    another version of the classification."""
    target = selectors.classification_get(slug=classification)
    rows = item_rows(read_records(content, filename=filename))
    checked = check_item_rows(rows)
    if checked.errors:
        raise ValidationFailed(
            f"{filename}: {len(checked.errors)} row(s) rejected; nothing was imported.",
            code=E.IMPORT_INVALID,
            errors=row_errors_to_fields(checked.errors),
        )
    version = _version_create(
        classification=target,
        slug=slug,
        names=names,
        valid_from=valid_from,
        valid_to=valid_to,
        status=status,
        source=f"imported from {filename}",
    )
    _apply_items(version=version, rows=checked.rows)
    return version


def _table_create(
    *,
    slug: str,
    source: Version,
    target: Version,
    kind: str,
    method: str,
    notes: dict[str, str],
    route: list[str] | None = None,
) -> CorrespondenceTable:
    if CorrespondenceTable.objects.filter(source=source, target=target).exists():
        raise Conflict(
            f"A table from {source.slug} to {target.slug} already exists.", code="TABLE_EXISTS"
        )
    return CorrespondenceTable.objects.create(
        slug=slug,
        source=source,
        target=target,
        kind=kind,
        method=method,
        notes=notes,
        route=route or [],
    )


def _apply_rows(
    *, table: CorrespondenceTable, pairs: list[tuple[int | None, int | None, str]]
) -> int:
    """Save rows (trusted input); notes starting with "via ancestor" mark generalisations."""
    seen: set[tuple[int | None, int | None]] = set()
    objs = []
    for a, b, notes in pairs:
        if (a, b) not in seen:
            seen.add((a, b))
            objs.append(
                CorrespondenceRow(
                    table=table,
                    source_id=a,
                    target_id=b,
                    notes=notes,
                    by_ancestor=notes.startswith("via ancestor"),
                )
            )
    CorrespondenceRow.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


@transaction.atomic
def correspondence_table_import(
    *,
    slug: str,
    source: str,
    target: str,
    content: bytes,
    filename: str,
    kind: str = TableKind.OFFICIAL,
    notes: dict[str, str] | None = None,
    actor: Any = None,
) -> CorrespondenceTable:
    """Import a correspondence table (columns: source code, target code, optional notes).
    Every code must exist in its version; an empty side means "no counterpart"."""
    src, tgt = selectors.version_get(slug=source), selectors.version_get(slug=target)
    records = read_records(content, filename=filename)
    src_ids = dict(Item.objects.filter(version=src).values_list("code", "id"))
    tgt_ids = dict(Item.objects.filter(version=tgt).values_list("code", "id"))
    errors: list[RowError] = []
    pairs: list[tuple[int | None, int | None, str]] = []
    for line, rec in records:
        values = list(rec.values())
        a, b = (values + ["", ""])[:2]
        for code, ids, column in ((a, src_ids, "source"), (b, tgt_ids, "target")):
            if code and code not in ids:
                msg = f"{code} is not a code of {(src if column == 'source' else tgt).slug}."
                errors.append(RowError(line, column, E.ROW_CODE_UNKNOWN, msg, rec))
        pairs.append((src_ids.get(a), tgt_ids.get(b), rec.get("notes", "")))
    if errors:
        raise ValidationFailed(
            f"{filename}: {len(errors)} row(s) rejected; nothing was imported.",
            code=E.IMPORT_INVALID,
            errors=row_errors_to_fields(errors),
        )
    table = _table_create(
        slug=slug,
        source=src,
        target=tgt,
        kind=kind,
        method=TableMethod.IMPORTED,
        notes=notes or {},
    )
    _apply_rows(table=table, pairs=pairs)
    return table


@transaction.atomic
def manufacturer_activities_set(
    *,
    manufacturer: Any,
    primary: str,
    secondary: list[str] | None = None,
    version: str | None = None,
    on: dt.date | None = None,
    actor: Any = None,
) -> list[ManufacturerActivity]:
    """Replace a manufacturer's activities with a primary and secondary codes.

    The codes must belong to the version of the manufacturer's national classifier valid at
    `on` (today by default). A manufacturer from a country without a national classifier may
    name any published version valid at that date.
    """
    on = on or selectors.today()
    codes = [primary, *(secondary or [])]
    if len(set(codes)) != len(codes):
        raise ValidationFailed(
            "An activity code is given twice.",
            code=E.ACTIVITY_DUPLICATE,
            errors=[FieldError("secondary", E.ACTIVITY_DUPLICATE, "Codes must be distinct.")],
        )
    chosen = _activity_version(manufacturer=manufacturer, version=version, on=on)
    items = [selectors.item_get(version=chosen, code=code) for code in codes]
    ManufacturerActivity.objects.filter(manufacturer=manufacturer).delete()
    return ManufacturerActivity.objects.bulk_create(
        [
            ManufacturerActivity(manufacturer=manufacturer, item=item, is_primary=n == 0)
            for n, item in enumerate(items)
        ]
    )


def _activity_version(*, manufacturer: Any, version: str | None, on: dt.date) -> Version:
    country = manufacturer.country_id or ""
    national = NationalClassifier.objects.filter(country_code=country).first()
    if national is not None:
        expected = selectors.version_at(classification=national.classification, on=on)
        if version and version not in (expected.slug, national.classification.slug):
            raise RuleViolation(
                f"Manufacturers of {country} are coded in {expected.slug}, not {version}.",
                code=E.ACTIVITY_NOT_NATIONAL,
                data={"expected": expected.slug},
            )
        return expected
    if not version:
        raise RuleViolation(
            f"Country {country or '(none)'} has no national classifier; name a version.",
            code=E.NO_NATIONAL_CLASSIFIER,
        )
    chosen = selectors.version_resolve(ref=version, on=on)
    if chosen.status != VersionStatus.PUBLISHED or not chosen.is_valid_at(on):
        raise RuleViolation(
            f"{chosen.slug} is not a published version valid at {on.isoformat()}.",
            code=E.ACTIVITY_NOT_NATIONAL,
        )
    return chosen
