"""Changes to classification data: importing versions and tables, manufacturers' activities.

Services take keyword-only arguments and an `actor` (`init` for shipped data), run in a
transaction, raise domain errors and return what they changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from katalog.audit.services import audit_record
from katalog.catalog import authority
from katalog.catalog.models import Item as CatalogItem
from katalog.catalog.services.history import item_audit, item_lock, item_touch
from katalog.classifiers import selectors
from katalog.classifiers.choices import (
    LEVEL_NAMES,
    ClassificationKind,
    ControlMarkAction,
    History,
    LinkBasis,
    TableKind,
    TableMethod,
    VersionStatus,
)
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.files import item_rows, read_records
from katalog.classifiers.models import (
    Amendment,
    AmendmentChange,
    Classification,
    ClassificationFamily,
    ControlListMark,
    CorrespondenceRow,
    CorrespondenceTable,
    Item,
    Level,
    ManufacturerActivity,
    NationalClassifier,
    ValidationFinding,
    Variant,
    VariantItem,
    Version,
)
from katalog.classifiers.rules import (
    ItemRow,
    LinkRow,
    TreeItem,
    check_item_rows,
    check_links,
    dates_overlap,
    depth_order,
    flag_columns,
    infer_partial,
    level_rank,
    parse_flag,
)
from katalog.core.actors import SYSTEM_INIT, Actor
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
    # exclude(pk=None) excludes nothing; the stubs reject None as a lookup value.
    for other in classification.versions.exclude(pk=exclude_pk):  # type: ignore[misc]
        if dates_overlap(valid_from, valid_to, other.valid_from, other.valid_to):
            until = other.valid_to.isoformat() if other.valid_to else "open end"
            raise RuleViolation(
                f"The dates overlap version {other.slug} "
                f"({other.valid_from.isoformat()} – {until}).",
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
    actor: Actor = SYSTEM_INIT,
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
    audit_record(
        actor=actor,
        action="classifier.version_import",
        object_type="classifiers.version",
        object_key=version.slug,
        changes={"file": filename, "codes": len(checked.rows)},
    )
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
            f"A table from {source.slug} to {target.slug} already exists.", code=E.TABLE_EXISTS
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


def _apply_rows(*, table: CorrespondenceTable, rows: list[LinkRow]) -> int:
    """Save rows (trusted input), once per (source, target); partial flags the file does not
    give are inferred from the table, and the table's findings are recorded."""
    seen: set[tuple[int | None, int | None]] = set()
    unique = []
    for row in rows:
        if (row.source, row.target) not in seen:
            seen.add((row.source, row.target))
            unique.append(row)
    infer_partial(unique)
    objs = [
        CorrespondenceRow(
            table=table,
            source_id=r.source,
            target_id=r.target,
            notes=r.notes,
            by_ancestor=r.by_ancestor or r.notes.startswith("via ancestor"),
            source_partial=bool(r.source_partial),
            target_partial=bool(r.target_partial),
            basis=r.basis or LinkBasis.FAN_OUT,
        )
        for r in unique
    ]
    CorrespondenceRow.objects.bulk_create(objs, batch_size=BATCH)
    _touch(table.source, table.target)
    return len(objs)


def _touch(*versions: Version) -> None:
    """A version's codes or tables changed: cached serialisations of it are stale now."""
    for version in versions:
        Version.objects.filter(pk=version.pk).update(row_version=F("row_version") + 1)
        version.refresh_from_db(fields=["row_version"])


def record_link_findings(*, table: CorrespondenceTable, source_file: str = "") -> int:
    """Check a table's links against both hierarchies and keep what is wrong as findings."""
    tree = {
        pk: TreeItem(code, level, parent)
        for pk, code, level, parent in Item.objects.filter(
            version__in=[table.source_id, table.target_id]
        ).values_list("pk", "code", "level__slug", "parent_id")
    }
    pairs = list(
        table.rows.filter(source__isnull=False, target__isnull=False).values_list(
            "source_id", "target_id"
        )
    )
    findings = check_links(pairs, tree, tree)
    ValidationFinding.objects.bulk_create(
        ValidationFinding(
            table=table,
            version=table.source,
            source_file=source_file,
            code=f.code,
            item_code=f.item_code,
            message=f.message,
            action="kept as published",
        )
        for f in findings
    )
    return len(findings)


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
    actor: Actor = SYSTEM_INIT,
) -> CorrespondenceTable:
    """Import a correspondence table (columns: source code, target code, optional notes).
    Every code must exist in its version; an empty side means "no counterpart"."""
    src, tgt = selectors.version_get(slug=source), selectors.version_get(slug=target)
    records = read_records(content, filename=filename)
    src_ids = dict(Item.objects.filter(version=src).values_list("code", "id"))
    tgt_ids = dict(Item.objects.filter(version=tgt).values_list("code", "id"))
    source_flag, target_flag = flag_columns(list(records[0][1]) if records else [])
    errors: list[RowError] = []
    rows: list[LinkRow] = []
    column: str | None  # a code's column, then a flag's (absent from the file: None)
    for line, rec in records:
        values = list(rec.values())
        a, b = ([*values, "", ""])[:2]
        for code, ids, column in ((a, src_ids, "source"), (b, tgt_ids, "target")):
            if code and code not in ids:
                msg = f"{code} is not a code of {(src if column == 'source' else tgt).slug}."
                errors.append(RowError(line, column, E.ROW_CODE_UNKNOWN, msg, rec))
        flags: dict[str, bool | None] = {}
        for column, key in ((source_flag, "source_partial"), (target_flag, "target_partial")):
            if column is not None:
                flags[key] = parse_flag(rec.get(column, ""))
                if flags[key] is None:
                    msg = f"{rec.get(column)!r} is not a partial flag (use 0 or 1)."
                    errors.append(RowError(line, column, E.FLAG_INVALID, msg, rec))
        basis = LinkBasis.FLAG if flags else LinkBasis.FAN_OUT
        rows.append(
            LinkRow(
                src_ids.get(a),
                tgt_ids.get(b),
                rec.get("notes", ""),
                source_partial=flags.get("source_partial"),
                target_partial=flags.get("target_partial"),
                basis=basis,
            )
        )
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
    _apply_rows(table=table, rows=rows)
    findings = record_link_findings(table=table, source_file=filename)
    audit_record(
        actor=actor,
        action="classifier.table_import",
        object_type="classifiers.table",
        object_key=table.slug,
        changes={"file": filename, "rows": len(rows), "findings": findings},
    )
    return table


@transaction.atomic
def manufacturer_activities_set(
    *,
    manufacturer: Any,
    primary: str,
    secondary: list[str] | None = None,
    version: str | None = None,
    on: dt.date | None = None,
    actor: Actor = SYSTEM_INIT,
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
    named = Version.objects.filter(slug=version).first()
    chosen = named or selectors.version_resolve(ref=version, on=on)
    if chosen.status != VersionStatus.PUBLISHED or not chosen.is_valid_at(on):
        raise RuleViolation(
            f"{chosen.slug} is not a published version valid at {on.isoformat()}.",
            code=E.ACTIVITY_NOT_NATIONAL,
        )
    return chosen


# --- history and amendments ------------------------------------------------------------------


@transaction.atomic
def version_history_set(
    *,
    version: Version,
    history: str,
    content_as_of: dt.date | None = None,
    history_from: dt.date | None = None,
    note: dict[str, str] | None = None,
    legal_base: dict[str, str] | None = None,
    introduction: dict[str, str] | None = None,
    actor: Actor = SYSTEM_INIT,
) -> Version:
    """Say what is known of a version's content over time ("as published on DATE")."""
    version.history = History(history)
    version.content_as_of = content_as_of
    version.history_from = history_from
    version.history_note = note or {}
    if legal_base is not None:
        version.legal_base = legal_base
    if introduction is not None:
        version.introduction = introduction
    version.row_version += 1
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action="classifier.history_set",
        object_type="classifiers.version",
        object_key=version.slug,
        changes={
            "history": version.history,
            "content_as_of": version.content_as_of.isoformat() if version.content_as_of else None,
            "history_from": version.history_from.isoformat() if version.history_from else None,
        },
    )
    return version


@dataclass
class AddedCode:
    code: str
    level: str
    parent: str
    names: dict[str, str]


@dataclass
class RenamedCode:
    code: str
    names: dict[str, str]
    old_names: dict[str, str] = field(default_factory=dict)


@dataclass
class ClosedCode:
    code: str
    # Needed only for a code closed before the published state: it is not in the file.
    level: str = ""
    parent: str = ""
    names: dict[str, str] = field(default_factory=dict)


@transaction.atomic
def amendment_apply(
    *,
    version: Version,
    number: str,
    in_force_from: dt.date,
    legal_act: dict[str, str],
    added: list[AddedCode] | None = None,
    closed: list[ClosedCode] | None = None,
    renamed: list[RenamedCode] | None = None,
    notes: dict[str, str] | None = None,
    actor: Actor = SYSTEM_INIT,
) -> Amendment:
    """Record an amendment: the codes it adds, closes and renames from `in_force_from`.

    An amendment after the state the version was loaded in changes the codes (new items,
    closing dates, new titles). One at or before that state is already in the loaded content;
    recording it dates the codes it added, brings back the codes it closed (with their old
    titles) and keeps the titles before a renaming, so that "codes at a date" answers what was
    in force on that day. Amendments are recorded in date order; nothing is saved if any code
    is wrong.
    """
    version = Version.objects.select_for_update().get(pk=version.pk)
    _check_amendment_date(version, number, in_force_from)
    recorded = version.content_as_of is not None and in_force_from <= version.content_as_of
    amendment = Amendment.objects.create(
        version=version,
        number=number,
        legal_act=legal_act,
        in_force_from=in_force_from,
        notes=notes or {},
    )
    errors: list[FieldError] = []
    changes: list[AmendmentChange] = []
    items = {i.code: i for i in Item.objects.filter(version=version).select_related("level")}
    code: AddedCode | RenamedCode | ClosedCode
    for code in added or []:
        changes += _amend_add(version, amendment, code, items, recorded, errors)
    for code in renamed or []:
        changes += _amend_rename(amendment, code, items, recorded, errors)
    for code in closed or []:
        changes += _amend_close(version, amendment, code, items, recorded, errors)
    _check_children_closed(amendment, closed or [], items, errors)
    if errors:
        raise ValidationFailed(
            f"Amendment {number}: {len(errors)} code(s) rejected; nothing was recorded.",
            code=E.AMENDMENT_INVALID,
            errors=errors,
        )
    AmendmentChange.objects.bulk_create(changes)
    _touch(version)
    audit_record(
        actor=actor,
        action="classifier.amendment_apply",
        object_type="classifiers.version",
        object_key=version.slug,
        changes={
            "amendment": number,
            "in_force_from": in_force_from.isoformat(),
            "legal_act": legal_act,
            "codes": {
                c.kind: sorted(x.item.code for x in changes if x.kind == c.kind) for c in changes
            },
        },
    )
    return amendment


def _check_amendment_date(version: Version, number: str, on: dt.date) -> None:
    if not version.is_valid_at(on):
        raise RuleViolation(
            f"{version.slug} is not in force on {on.isoformat()}; an amendment must fall "
            "inside the version's validity.",
            code=E.DATE_OUTSIDE_VERSION,
            data={"version": version.slug, "date": on.isoformat()},
        )
    if version.amendments.filter(number=number).exists():
        raise Conflict(f"{version.slug} already has amendment {number}.", code=E.AMENDMENT_EXISTS)
    later = version.amendments.filter(in_force_from__gt=on).order_by("in_force_from").first()
    if later is not None:
        raise RuleViolation(
            f"Amendment {later.number} of {later.in_force_from.isoformat()} is already recorded; "
            "record amendments in the order they came into force.",
            code=E.AMENDMENT_OUT_OF_ORDER,
            data={"later": later.number},
        )


def _open_at(item: Item, on: dt.date) -> bool:
    return (item.valid_from is None or item.valid_from <= on) and (
        item.valid_to is None or item.valid_to >= on
    )


def _level_for(version: Version, slug: str) -> Level:
    level = version.levels.filter(slug=slug).first()
    if level is not None:
        return level
    number = (version.levels.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Level.objects.create(
        version=version, number=number, slug=slug, names=LEVEL_NAMES.get(slug, {"en": slug})
    )


def _new_item(
    version: Version, code: str, level: str, parent: Item | None, names: dict[str, str]
) -> Item:
    return Item.objects.create(
        version=version,
        level=_level_for(version, level),
        code=code,
        parent=parent,
        names=names,
        position=(parent.position if parent else 0),
        search_text=search_text(names),
    )


def _parent_of(
    code: str, parent: str, level: str, items: dict[str, Item], on: dt.date, errors: list
) -> Item | Literal[False] | None:
    """The parent item for a new code, or False after recording why there is none."""
    if level not in LEVEL_NAMES:
        errors.append(FieldError(code, E.LEVEL_UNKNOWN, f"Unknown level {level!r}."))
        return False
    if not parent:
        return None
    found = items.get(parent)
    if found is None:
        errors.append(FieldError(code, E.PARENT_MISSING, f"Parent {parent} is not a code."))
        return False
    if level_rank(found.level.slug) >= level_rank(level):
        msg = f"{level} {code} cannot sit under {found.level.slug} {parent}."
        errors.append(FieldError(code, E.LEVEL_INCONSISTENT, msg))
        return False
    return found


def _amend_add(
    version: Version,
    amendment: Amendment,
    code: AddedCode,
    items: dict[str, Item],
    recorded: bool,
    errors: list[FieldError],
) -> list[AmendmentChange]:
    on = amendment.in_force_from
    existing = items.get(code.code)
    if existing is not None and not recorded:
        errors.append(FieldError(code.code, E.CODE_EXISTS, f"{code.code} is already a code."))
        return []
    if existing is not None:
        # Already in the published state: the amendment gives the code its start.
        existing.valid_from = on
        existing.save(update_fields=["valid_from"])
        return [
            AmendmentChange(
                amendment=amendment, kind="added", item=existing, new_names=existing.names
            )
        ]
    parent = _parent_of(code.code, code.parent, code.level, items, on, errors)
    if parent is False:
        return []
    item = _new_item(version, code.code, code.level, parent or None, code.names)
    item.valid_from = on
    item.save(update_fields=["valid_from"])
    items[code.code] = item
    return [AmendmentChange(amendment=amendment, kind="added", item=item, new_names=code.names)]


def _amend_rename(
    amendment: Amendment,
    code: RenamedCode,
    items: dict[str, Item],
    recorded: bool,
    errors: list[FieldError],
) -> list[AmendmentChange]:
    item = items.get(code.code)
    if item is None or not _open_at(item, amendment.in_force_from):
        msg = f"{code.code} is not a code in force on {amendment.in_force_from.isoformat()}."
        errors.append(FieldError(code.code, E.CODE_NOT_FOUND, msg))
        return []
    if recorded:
        # The published titles are the new ones already; the old ones come with the amendment.
        if not code.old_names:
            msg = f"{code.code}: the titles before the renaming are needed."
            errors.append(FieldError(code.code, E.TITLE_EMPTY, msg))
            return []
        before, after = code.old_names, item.names
    else:
        before, after = item.names, code.names
        item.names = code.names
        item.search_text = search_text(code.names)
        item.save(update_fields=["names", "search_text"])
    return [
        AmendmentChange(
            amendment=amendment, kind="renamed", item=item, old_names=before, new_names=after
        )
    ]


def _amend_close(
    version: Version,
    amendment: Amendment,
    code: ClosedCode,
    items: dict[str, Item],
    recorded: bool,
    errors: list[FieldError],
) -> list[AmendmentChange]:
    on = amendment.in_force_from
    item = items.get(code.code)
    if item is None and recorded:
        # Closed before the published state, so not in it: bring it back for the past.
        parent = _parent_of(code.code, code.parent, code.level, items, on, errors)
        if parent is False:
            return []
        if not any(code.names.values()):
            errors.append(FieldError(code.code, E.TITLE_EMPTY, "No title in any language."))
            return []
        item = _new_item(version, code.code, code.level, parent or None, code.names)
        items[code.code] = item
    elif item is None or not _open_at(item, on):
        msg = f"{code.code} is not a code in force on {on.isoformat()}."
        errors.append(FieldError(code.code, E.CODE_CLOSED, msg))
        return []
    item.valid_to = on - dt.timedelta(days=1)
    item.save(update_fields=["valid_to"])
    return [AmendmentChange(amendment=amendment, kind="closed", item=item, old_names=item.names)]


def _check_children_closed(
    amendment: Amendment, closed: list[ClosedCode], items: dict[str, Item], errors: list
) -> None:
    """A closed code takes its children with it: each must be closed by the same amendment."""
    closing = {c.code for c in closed}
    on = amendment.in_force_from
    by_id = {i.pk: i for i in items.values()}
    for item in items.values():
        parent = by_id.get(item.parent_id) if item.parent_id else None
        closes_parent = parent is not None and parent.code in closing
        stays_open = item.code not in closing and (item.valid_to is None or item.valid_to >= on)
        if closes_parent and stays_open:
            msg = f"{parent.code} is closed but its child {item.code} stays open."  # type: ignore[union-attr]
            errors.append(FieldError(parent.code, E.CHILDREN_OPEN, msg))  # type: ignore[union-attr]


def amendments_from_records(
    records: list[tuple[int, dict[str, str]]],
) -> list[dict[str, Any]]:
    """Amendments described in a file, one row per code: `amendment`, `in_force_from`,
    `legal_act_<lang>`, `change` (added, closed, renamed), `code`, `level`, `parent`,
    `name_<lang>` and, for a renaming already in the published state, `old_name_<lang>`."""
    grouped: dict[str, dict[str, Any]] = {}
    for line, rec in records:
        number = rec.get("amendment", "")
        entry = grouped.setdefault(
            number,
            {
                "number": number,
                "line": line,
                "in_force_from": rec.get("in_force_from", ""),
                "legal_act": _by_language(rec, "legal_act_"),
                "added": [],
                "closed": [],
                "renamed": [],
            },
        )
        names = _by_language(rec, "name_")
        kind = rec.get("change", "")
        if kind == "added":
            entry["added"].append(
                AddedCode(rec["code"], rec.get("level", ""), rec.get("parent", ""), names)
            )
        elif kind == "renamed":
            entry["renamed"].append(RenamedCode(rec["code"], names, _by_language(rec, "old_name_")))
        elif kind == "closed":
            entry["closed"].append(
                ClosedCode(rec["code"], rec.get("level", ""), rec.get("parent", ""), names)
            )
        else:
            raise ValidationFailed(
                f"line {line}: unknown change {kind!r}; use added, closed or renamed.",
                code=E.AMENDMENT_INVALID,
                errors=[
                    FieldError(
                        f"line {line}: change", E.AMENDMENT_INVALID, "added, closed or renamed"
                    )
                ],
            )
    return sorted(grouped.values(), key=lambda e: (e["in_force_from"], e["number"]))


def _by_language(rec: dict[str, str], prefix: str) -> dict[str, str]:
    return {k[len(prefix) :]: v for k, v in rec.items() if k.startswith(prefix) and v}


@transaction.atomic
def amendments_import(
    *, version: str, content: bytes, filename: str, actor: Actor = SYSTEM_INIT
) -> list[Amendment]:
    """Record every amendment of a file (CSV or XLSX, see `amendments_from_records`)."""
    target = selectors.version_get(slug=version)
    done = []
    for entry in amendments_from_records(read_records(content, filename=filename)):
        try:
            in_force = dt.date.fromisoformat(entry["in_force_from"])
        except ValueError:
            raise ValidationFailed(
                f"line {entry['line']}: {entry['in_force_from']!r} is not a date (YYYY-MM-DD).",
                code=E.AMENDMENT_INVALID,
                errors=[
                    FieldError(
                        f"line {entry['line']}: in_force_from", E.AMENDMENT_INVALID, "YYYY-MM-DD"
                    )
                ],
            ) from None
        done.append(
            amendment_apply(
                version=target,
                number=entry["number"],
                in_force_from=in_force,
                legal_act=entry["legal_act"],
                added=entry["added"],
                closed=entry["closed"],
                renamed=entry["renamed"],
                actor=actor,
            )
        )
        target.refresh_from_db()
    return done


# --- variants -------------------------------------------------------------------------------


@transaction.atomic
def variant_import(
    *,
    version: str,
    slug: str,
    names: dict[str, str],
    content: bytes,
    filename: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    actor: Actor = SYSTEM_INIT,
) -> Variant:
    """Import a variant of a version: its own groups at level 1 and, below them, codes of the
    version (columns code, parent, level, name_<lang>; the version's titles are used for its
    codes when a row gives none). Rejects the whole file if a row is bad."""
    target = selectors.version_get(slug=version)
    if Variant.objects.filter(slug=slug).exists():
        raise Conflict(f"Variant {slug!r} already exists.", code=E.VARIANT_EXISTS)
    records = read_records(content, filename=filename)
    titles = dict(Item.objects.filter(version=target).values_list("code", "names"))
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    rows = []
    for line, rec in records:
        code, parent, level = rec.get("code", ""), rec.get("parent", ""), rec.get("level", "")
        names_ = _by_language(rec, "name_") or titles.get(code, {})
        if not level.isdigit() or int(level) < 1:
            errors.append(
                RowError(line, "level", E.LEVEL_UNKNOWN, "The level is a number from 1.", rec)
            )
        elif code in seen:
            errors.append(
                RowError(
                    line, "code", E.DUPLICATE_CODE, f"{code} is already on line {seen[code]}.", rec
                )
            )
        elif int(level) > 1 and code not in titles:
            errors.append(
                RowError(
                    line, "code", E.ROW_CODE_UNKNOWN, f"{code} is not a code of {target.slug}.", rec
                )
            )
        elif int(level) > 1 and parent not in seen:
            errors.append(
                RowError(
                    line,
                    "parent",
                    E.PARENT_MISSING,
                    f"Parent {parent} is not above in the file.",
                    rec,
                )
            )
        elif not any(names_.values()):
            errors.append(RowError(line, "name", E.TITLE_EMPTY, "No title in any language.", rec))
        else:
            seen[code] = line
            rows.append((code, parent, level, names_))
    if errors:
        raise ValidationFailed(
            f"{filename}: {len(errors)} row(s) rejected; nothing was imported.",
            code=E.IMPORT_INVALID,
            errors=row_errors_to_fields(errors),
        )
    variant = Variant.objects.create(
        version=target,
        slug=slug,
        names=names,
        valid_from=valid_from or target.valid_from,
        valid_to=valid_to if valid_to is not None else target.valid_to,
    )
    ids: dict[str, VariantItem] = {}
    for n, (code, parent, level, names_) in enumerate(rows):
        ids[code] = VariantItem.objects.create(
            variant=variant,
            code=code,
            level=int(level),
            parent=ids.get(parent),
            names=names_,
            position=n,
        )
    _touch(target)
    audit_record(
        actor=actor,
        action="classifier.variant_import",
        object_type="classifiers.variant",
        object_key=variant.slug,
        changes={"version": target.slug, "file": filename, "codes": len(rows)},
    )
    return variant


# --- export-control lists: the entries that cover an item ------------------------------------

MAX_CONTROL_ENTRIES = 50


@dataclass(frozen=True)
class EntryRef:
    """An entry of a control list as a caller names it: the list (a classification of kind
    `control_list`), the code, and the version (default: the one valid today)."""

    list: str
    code: str
    version: str | None = None


def _control_version(ref: EntryRef, field: str, on: dt.date) -> Version | FieldError:
    """The version of a control list that an entry reference names, or why it names none."""
    classification = Classification.objects.filter(slug=ref.list.strip().lower()).first()
    if classification is None:
        message = _("No control list %(list)s") % {"list": ref.list}
        return FieldError(f"{field}.list", E.CLASSIFICATION_NOT_FOUND, message)
    if classification.kind != ClassificationKind.CONTROL_LIST:
        message = _("%(list)s is not an export-control list") % {"list": classification.slug}
        return FieldError(f"{field}.list", E.NOT_A_CONTROL_LIST, message)
    versions = Version.objects.filter(classification=classification)
    if ref.version:
        version = versions.filter(slug=ref.version.strip()).first()
        if version is None:
            message = _("%(list)s has no version %(version)s") % {
                "list": classification.slug,
                "version": ref.version,
            }
            return FieldError(f"{field}.version", E.VERSION_NOT_FOUND, message)
        return version
    version = versions.published().valid_at(on).first()
    if version is None:
        message = _("%(list)s has no version valid at %(date)s") % {
            "list": classification.slug,
            "date": on.isoformat(),
        }
        return FieldError(f"{field}.version", E.NO_VERSION_AT_DATE, message)
    return version


def control_entries_resolve(refs: list[EntryRef], *, on: dt.date | None = None) -> list[Item]:
    """The classifier items named by `refs`; every bad reference is reported at once (422)."""
    on = on or selectors.today()
    errors: list[FieldError] = []
    if len(refs) > MAX_CONTROL_ENTRIES:
        message = _("At most %(max)d control-list entries per item") % {"max": MAX_CONTROL_ENTRIES}
        errors.append(FieldError("entries", E.CONTROL_ENTRY_INVALID, message))
    found: list[Item] = []
    for n, ref in enumerate(refs[:MAX_CONTROL_ENTRIES]):
        field = f"entries[{n}]"
        code = (ref.code or "").strip().upper()
        if not code:
            message = _("The code is empty")
            errors.append(FieldError(f"{field}.code", E.CONTROL_ENTRY_INVALID, message))
            continue
        version = _control_version(ref, field, on)
        if isinstance(version, FieldError):
            errors.append(version)
            continue
        entry = Item.objects.filter(version=version, code__iexact=code).first()
        if entry is None:
            message = _("%(version)s has no entry %(code)s") % {
                "version": version.slug,
                "code": code,
            }
            errors.append(FieldError(f"{field}.code", E.CONTROL_ENTRY_NOT_FOUND, message))
            continue
        if any(other.pk == entry.pk for other in found):
            message = _("%(version)s %(code)s is named twice") % {
                "version": version.slug,
                "code": entry.code,
            }
            errors.append(FieldError(f"{field}.code", E.CONTROL_ENTRY_DUPLICATE, message))
            continue
        found.append(entry)
    if errors:
        raise ValidationFailed(
            _("Control-list entries rejected; nothing was changed"),
            code=errors[0].code,
            errors=errors,
        )
    return found


CONTROL_FAMILY = "export-control"
CONTROL_FAMILY_NAMES = {
    "en": "Export-control lists",
    "ru": "Контрольные списки экспортного контроля",
}


@transaction.atomic
def control_list_create(
    *, slug: str, names: dict[str, str], owner: str = "", actor: Actor = SYSTEM_INIT
) -> Classification:
    """A new export-control list (a national list, say), empty: its versions are imported as
    any classification's are (`version_import`), then compared and corresponded the same way."""
    slug = slug.strip().lower()
    if Classification.objects.filter(slug=slug).exists():
        message = _("A classification %(slug)s exists already") % {"slug": slug}
        raise Conflict(message, code=E.CLASSIFICATION_EXISTS)
    if not any((v or "").strip() for v in names.values()):
        message = _("The list needs a name")
        raise ValidationFailed(
            message,
            code=E.CONTROL_LIST_INVALID,
            errors=[FieldError("name", E.CONTROL_LIST_INVALID, message)],
        )
    family, _created = ClassificationFamily.objects.get_or_create(
        slug=CONTROL_FAMILY, defaults={"names": CONTROL_FAMILY_NAMES}
    )
    classification = Classification(
        slug=slug,
        family=family,
        names={k: v.strip() for k, v in names.items() if (v or "").strip()},
        owner=owner.strip(),
        kind=ClassificationKind.CONTROL_LIST,
    )
    classification.full_clean()
    classification.save()
    audit_record(
        actor=actor,
        action="classifier.control_list_create",
        object_type="classifiers.classification",
        object_key=slug,
        changes={"names": classification.names, "owner": classification.owner},
    )
    return classification


def _entry_label(entry: Item) -> str:
    return f"{entry.version.slug} {entry.code}"


@transaction.atomic
def control_entries_set(
    *,
    actor: Actor,
    item: CatalogItem,
    entries: list[EntryRef],
    expected_version: int | None = None,
) -> list[ControlListMark]:
    """Set the control-list entries that cover `item` (the whole set; empty clears it).

    Only the item's assigning bureau states them. The item's version moves on and the change
    is recorded in the item's history; setting the same entries again changes nothing."""
    locked = item_lock(item, expected_version)
    authority.require_identification_authority(actor, locked)
    wanted = control_entries_resolve(entries)
    current = list(ControlListMark.objects.filter(item=locked).select_related("entry__version"))
    before = sorted(_entry_label(m.entry) for m in current)
    after = sorted(_entry_label(e) for e in wanted)
    if before != after:
        keep = {e.pk for e in wanted}
        ControlListMark.objects.filter(item=locked).exclude(entry_id__in=keep).delete()
        have = {m.entry_id for m in current}
        ControlListMark.objects.bulk_create(
            ControlListMark(item=locked, entry=e) for e in wanted if e.pk not in have
        )
        item_touch(locked)
        item_audit(
            actor=actor,
            item=locked,
            action=ControlMarkAction.SET,
            changes={"before": {"control_entries": before}, "after": {"control_entries": after}},
        )
    return list(
        ControlListMark.objects.filter(item=locked)
        .select_related("entry__version__classification")
        .order_by("entry__version__classification__slug", "entry__code")
    )
