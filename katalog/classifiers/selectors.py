"""Reads of the classification server, shared by the API, the CLI and the pages.

Date-shaped after klass: `version_at(classification, date)`, `items_at`, `item_path`,
`changes_between(v1, v2)`, `correspond(item, target version)`.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.catalog.visibility import item_visible_q, read_scope
from katalog.classifiers.choices import ClassificationKind, History, TableKind, TableMethod
from katalog.classifiers.composition import Composition, Node, Target, compose, version_index
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.models import (
    Amendment,
    AmendmentChange,
    Classification,
    ClassificationFamily,
    ControlListMark,
    CorrespondenceRow,
    CorrespondenceTable,
    Item,
    ManufacturerActivity,
    NationalClassifier,
    ValidationFinding,
    Variant,
    VariantItem,
    Version,
    VersionQuerySet,
)
from katalog.core.errors import FieldError, NotFound, RuleViolation, ValidationFailed
from katalog.core.i18n import pick_text
from katalog.core.text import ascii_word_key


def today() -> dt.date:
    return timezone.localdate()


# --- classifications and versions -----------------------------------------------------------


def classification_list() -> QuerySet[Classification]:
    return Classification.objects.select_related("family").prefetch_related("versions")


def classification_get(*, slug: str) -> Classification:
    try:
        return classification_list().get(slug=slug)
    except Classification.DoesNotExist:
        raise NotFound(
            _("No classification '%(slug)s'.") % {"slug": slug},
            code=E.CLASSIFICATION_NOT_FOUND,
            data={"slug": slug},
        ) from None


def version_list(*, classification: Classification | None = None) -> VersionQuerySet:
    qs = Version.objects.select_related("classification")
    return qs.filter(classification=classification) if classification else qs


def version_get(*, slug: str) -> Version:
    try:
        return version_list().get(slug=slug)
    except Version.DoesNotExist:
        raise NotFound(
            _("No classification version '%(slug)s'.") % {"slug": slug},
            code=E.VERSION_NOT_FOUND,
            data={"slug": slug},
        ) from None


def version_at(*, classification: Classification, on: dt.date) -> Version:
    """The published version of `classification` valid at `on` (versions never overlap)."""
    version = version_list(classification=classification).published().valid_at(on).first()
    if version is None:
        raise NotFound(
            _("%(classification)s has no version valid at %(date)s.")
            % {"classification": classification.slug, "date": on.isoformat()},
            code=E.NO_VERSION_AT_DATE,
            data={"classification": classification.slug, "date": on.isoformat()},
        )
    return version


def version_resolve(*, ref: str, on: dt.date | None = None) -> Version:
    """A version named by its own slug (`isic4`) or by its classification's slug at a date.

    A version named by its slug together with a date it is not valid at is an error (422), not
    an empty answer."""
    version = version_list().filter(slug=ref).first()
    if version is not None:
        if on is not None:
            check_date_in(version=version, on=on)
        return version
    if Classification.objects.filter(slug=ref).exists():
        return version_at(classification=classification_get(slug=ref), on=on or today())
    raise NotFound(
        _("No classification or version '%(slug)s'.") % {"slug": ref},
        code=E.VERSION_NOT_FOUND,
        data={"slug": ref},
    )


def check_date_in(*, version: Version, on: dt.date) -> None:
    """A date outside the version's validity is refused rather than answered with nothing."""
    if not version.is_valid_at(on):
        until = version.valid_to.isoformat() if version.valid_to else "…"
        raise RuleViolation(
            _("%(version)s is valid from %(start)s to %(end)s, not on %(date)s.")
            % {
                "version": version.slug,
                "start": version.valid_from.isoformat(),
                "end": until,
                "date": on.isoformat(),
            },
            code=E.DATE_OUTSIDE_VERSION,
            data={
                "version": version.slug,
                "date": on.isoformat(),
                "valid_from": version.valid_from.isoformat(),
                "valid_to": version.valid_to.isoformat() if version.valid_to else None,
            },
        )


def check_history_known(*, version: Version, on: dt.date) -> None:
    """Refuse a date before the first day whose content is known: a version loaded as
    published on a date says nothing of what was in force before it."""
    known = version.known_from
    if known is not None and on < known:
        raise RuleViolation(
            _(
                "%(version)s is known as published on %(known)s; what was in force on %(date)s "
                "is not recorded (no amendments before that date are)."
            )
            % {"version": version.slug, "known": known.isoformat(), "date": on.isoformat()},
            code=E.HISTORY_UNKNOWN,
            data={"version": version.slug, "date": on.isoformat(), "known_from": known.isoformat()},
        )


def as_published_text(version: Version, language: str | None = None) -> str:
    """How the version's content is known, for pages and documents."""
    if version.history == History.COMPLETE:
        return ""
    note = pick_text(version.history_note, language)
    if version.content_as_of is not None:
        return _("As published on %(date)s.") % {"date": version.content_as_of.isoformat()} + (
            f" {note}" if note else ""
        )
    return _("As published; the source does not give the date of that state.") + (
        f" {note}" if note else ""
    )


# --- items ----------------------------------------------------------------------------------


def items_at(
    *, version: Version, on: dt.date | None = None, level: str | None = None
) -> QuerySet[Item]:
    """Items of `version`, restricted to those valid at `on` when given (a date outside the
    version or before its known history is refused)."""
    qs = Item.objects.filter(version=version).select_related("level", "parent")
    if on is not None:
        check_date_in(version=version, on=on)
        check_history_known(version=version, on=on)
        qs = qs.valid_at(on)
    return qs.filter(level__slug=level) if level else qs


def titles_at(*, version: Version, on: dt.date) -> dict[int, dict[str, str]]:
    """Titles in force at `on` of the items renamed after it (the others keep theirs)."""
    older: dict[int, dict[str, str]] = {}
    renames = (
        AmendmentChange.objects.filter(
            amendment__version=version, kind="renamed", amendment__in_force_from__gt=on
        )
        .order_by("amendment__in_force_from", "id")
        .values_list("item_id", "old_names")
    )
    for item_id, names in renames:
        older.setdefault(item_id, names)  # the first renaming after `on` holds the title then
    return older


@dataclass
class DatedCode:
    """A code with the titles and the interval (inclusive) it had them in."""

    item: Item
    names: dict[str, str]
    valid_from: dt.date
    valid_to: dt.date | None


def codes_at(*, version: Version, on: dt.date, level: str | None = None) -> list[DatedCode]:
    """The codes in force at `on` with their titles of that day."""
    older = titles_at(version=version, on=on)
    out = []
    for item in items_at(version=version, on=on, level=level).order_by("position", "code"):
        start, end = item_interval(version, item)
        out.append(DatedCode(item, older.get(item.pk, item.names), start, end))
    return out


def item_interval(version: Version, item: Item) -> tuple[dt.date, dt.date | None]:
    start = max(version.valid_from, item.valid_from or version.valid_from)
    ends = [d for d in (version.valid_to, item.valid_to) if d is not None]
    return start, min(ends) if ends else None


def codes_between(
    *, version: Version, start: dt.date, end: dt.date | None, level: str | None = None
) -> list[DatedCode]:
    """Every code of `version` in force some day of [start, end] (inclusive), one entry per
    stretch with the same titles: a code renamed inside the interval appears twice."""
    check_history_known(version=version, on=start)
    renames: dict[int, list[tuple[dt.date, dict[str, str], dict[str, str]]]] = {}
    for item_id, day, old, new in AmendmentChange.objects.filter(
        amendment__version=version, kind="renamed"
    ).values_list("item_id", "amendment__in_force_from", "old_names", "new_names"):
        renames.setdefault(item_id, []).append((day, old, new))
    qs = Item.objects.filter(version=version).select_related("level", "parent")
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if end is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
    if level:
        qs = qs.filter(level__slug=level)
    out: list[DatedCode] = []
    for item in qs.order_by("position", "code"):
        first, last = item_interval(version, item)
        first, last = max(first, start), earliest(last, end)
        if last is not None and last < first:
            continue
        out += _stretches(item, first, last, sorted(renames.get(item.pk, []), key=lambda r: r[0]))
    return out


def earliest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    """The earlier of two interval ends, None standing for an open end."""
    if a is None:
        return b
    return a if b is None else min(a, b)


def _stretches(
    item: Item,
    first: dt.date,
    last: dt.date | None,
    renames: list[tuple[dt.date, dict[str, str], dict[str, str]]],
) -> list[DatedCode]:
    """Split [first, last] at the renamings inside it."""
    names = item.names
    for day, old, _new in renames:
        if day > first:
            names = old
            break
    out = []
    start = first
    for day, _old, new in renames:
        if start < day and (last is None or day <= last):
            out.append(DatedCode(item, names, start, day - dt.timedelta(days=1)))
            start, names = day, new
    out.append(DatedCode(item, names, start, last))
    return out


def amendment_list(*, version: Version) -> QuerySet[Amendment]:
    return Amendment.objects.filter(version=version).prefetch_related("changes__item")


def item_get(*, version: Version, code: str) -> Item:
    try:
        return Item.objects.select_related("level", "version", "parent").get(
            version=version, code=code.strip()
        )
    except Item.DoesNotExist:
        raise NotFound(
            _("%(version)s has no code '%(code)s'.") % {"version": version.slug, "code": code},
            code=E.CODE_NOT_FOUND,
            data={"version": version.slug, "code": code},
        ) from None


def item_path(*, item: Item) -> list[Item]:
    """The item and its ancestors, top first."""
    path = [item]
    while path[0].parent_id is not None:
        path.insert(0, Item.objects.select_related("level").get(pk=path[0].parent_id))
    return path


def item_children(*, version: Version, item: Item | None = None) -> QuerySet[Item]:
    """Children of `item`, or the top-level items (and parentless orphans) of the version."""
    return Item.objects.filter(version=version, parent=item).select_related("level")


def item_search(
    *, query: str, version: Version | None = None, on: dt.date | None = None
) -> QuerySet[Item]:
    """Items whose code starts with the query or whose titles contain every word of it.

    Titles are matched on their Latin transliteration, so `proizvodstvo`, `Производство` and
    `производство` find the same OKVED2 items, and Arabic titles are found as well.
    """
    words = ascii_word_key(query).split()
    qs = Item.objects.select_related("version", "level")
    if version is not None:
        qs = qs.filter(version=version)
    if on is not None:
        qs = qs.valid_at(on)
    if not words:
        return qs.none()
    by_words = Q()
    for word in words:
        by_words &= Q(search_text__contains=word)
    return qs.filter(by_words | Q(code__istartswith=query.strip())).order_by(
        "version__slug", "position"
    )


def item_descendant_ids(*, items: list[int]) -> set[int]:
    """Ids of the items and all their descendants (one query per level)."""
    found = set(items)
    frontier = set(items)
    while frontier:
        frontier = (
            set(Item.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        found |= frontier
    return found


def finding_list(*, version: Version | None = None) -> QuerySet[ValidationFinding]:
    qs = ValidationFinding.objects.select_related("version", "table", "table__target")
    return qs.filter(version=version) if version else qs


# --- changes between versions ----------------------------------------------------------------


@dataclass
class CodeChange:
    """One change: `new`, `removed`, `renamed`, `split` or `merged`."""

    kind: str
    source_codes: list[str]
    target_codes: list[str]
    source_title: str = ""
    target_title: str = ""


@dataclass
class Changes:
    source: Version
    target: Version
    table: CorrespondenceTable | None
    changes: list[CodeChange] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[CodeChange]:
        return [c for c in self.changes if c.kind == kind]


def changes_between(*, source: Version, target: Version, language: str | None = None) -> Changes:
    """New, removed and renamed codes by code identity; split and merged codes from the
    correspondence table between the two versions (read in either direction) if there is one."""
    old = {i.code: i for i in Item.objects.filter(version=source)}
    new = {i.code: i for i in Item.objects.filter(version=target)}
    table, reverse = _direct_table(source, target)
    result = Changes(source=source, target=target, table=table)
    title = lambda i: pick_text(i.names, language)  # noqa: E731
    for code in new.keys() - old.keys():
        result.changes.append(CodeChange("new", [], [code], "", title(new[code])))
    for code in old.keys() - new.keys():
        result.changes.append(CodeChange("removed", [code], [], title(old[code]), ""))
    for code in old.keys() & new.keys():
        before, after = _comparable_title(old[code], new[code])
        if before != after:
            result.changes.append(
                CodeChange("renamed", [code], [code], title(old[code]), title(new[code]))
            )
    if table is not None:
        result.changes.extend(_splits_and_merges(table, reverse, language))
    order = {"new": 0, "removed": 1, "renamed": 2, "split": 3, "merged": 4}
    result.changes.sort(key=lambda c: (order[c.kind], c.source_codes, c.target_codes))
    return result


def _comparable_title(a: Item, b: Item) -> tuple[str, str]:
    """Titles in the first language both items have; case and spacing do not count."""
    for lang in ("en", "ru", *sorted(a.names)):
        if a.names.get(lang) and b.names.get(lang):
            return ascii_word_key(a.names[lang]), ascii_word_key(b.names[lang])
    return "", ""


def _splits_and_merges(
    table: CorrespondenceTable, reverse: bool, language: str | None
) -> list[CodeChange]:
    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    titles: dict[str, str] = {}
    rows = table.rows.filter(source__isnull=False, target__isnull=False).select_related(
        "source", "target"
    )
    for row in rows:
        if row.source is None or row.target is None:
            continue  # excluded by the query; says so to the type checker
        a, b = (row.target, row.source) if reverse else (row.source, row.target)
        forward.setdefault(a.code, set()).add(b.code)
        backward.setdefault(b.code, set()).add(a.code)
        titles["s" + a.code], titles["t" + b.code] = (
            pick_text(a.names, language),
            pick_text(b.names, language),
        )
    out = [
        CodeChange("split", [a], sorted(bs), titles["s" + a], "")
        for a, bs in forward.items()
        if len(bs) > 1
    ]
    out += [
        CodeChange("merged", sorted(as_), [b], "", titles["t" + b])
        for b, as_ in backward.items()
        if len(as_) > 1
    ]
    return out


def _direct_table(a: Version, b: Version) -> tuple[CorrespondenceTable | None, bool]:
    table = CorrespondenceTable.objects.filter(source=a, target=b).first()
    if table is not None:
        return table, False
    return CorrespondenceTable.objects.filter(source=b, target=a).first(), True


# --- correspondences -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One table used on a route, read forwards (source→target) or backwards."""

    table: CorrespondenceTable
    reverse: bool

    @property
    def from_version_id(self) -> int:
        return self.table.target_id if self.reverse else self.table.source_id

    @property
    def to_version_id(self) -> int:
        return self.table.source_id if self.reverse else self.table.target_id


@dataclass
class Correspondence:
    """What a code corresponds to in another version: every target ranked (`targets`) and
    the ones shown (`matches`: the best-supported, or all of them when asked)."""

    source: Item
    target: Version
    route: list[Step]
    composition: Composition
    matches: list[Target]
    all_targets: bool = False

    @property
    def targets(self) -> list[Target]:
        return self.composition.targets

    @property
    def via_ancestor(self) -> Node | None:
        return self.composition.via_ancestor

    @property
    def rolled_up(self) -> bool:
        return self.composition.rolled_up

    def node(self, pk: int) -> Node:
        return self.composition.nodes[pk]


# A derived step costs a little more, so that among routes of equal length the one with more
# official tables wins.
_DERIVED_PENALTY = 0.01


def correspondence_route(*, source: Version, target: Version) -> list[Step]:
    """The cheapest chain of tables from `source` to `target`.

    A direct table (of any kind) wins. Otherwise composed tables are left out, because they
    are themselves built from the base tables and would only repeat them.
    """
    if source.pk == target.pk:
        return []
    table, reverse = _direct_table(source, target)
    if table is not None:
        return [Step(table, reverse)]
    tables = list(CorrespondenceTable.objects.exclude(method=TableMethod.COMPOSED).order_by("slug"))
    edges: dict[int, list[Step]] = {}
    for t in tables:
        edges.setdefault(t.source_id, []).append(Step(t, False))
        edges.setdefault(t.target_id, []).append(Step(t, True))
    queue: list[tuple[float, int, int, list[Step]]] = [(0.0, 0, source.pk, [])]
    done: set[int] = set()
    tie = 0
    while queue:
        cost, _order, version_id, route = heapq.heappop(queue)
        if version_id == target.pk:
            return route
        if version_id in done:
            continue
        done.add(version_id)
        for step in edges.get(version_id, []):
            extra = 1 + (_DERIVED_PENALTY if step.table.kind == TableKind.DERIVED else 0)
            tie += 1
            heapq.heappush(queue, (cost + extra, tie, step.to_version_id, [*route, step]))
    raise NotFound(
        _("No correspondence tables lead from %(source)s to %(target)s.")
        % {"source": source.slug, "target": target.slug},
        code=E.NO_CORRESPONDENCE_PATH,
        data={"source": source.slug, "target": target.slug},
    )


def correspond(*, item: Item, target: Version, all_targets: bool = False) -> Correspondence:
    """The items of `target` that `item` corresponds to, composed through the tables of the
    route and ranked (see `composition`): the best-supported ones, or every one."""
    route = correspondence_route(source=item.version, target=target)
    composition = compose(item=item, route=route, target=target)
    return Correspondence(
        source=item,
        target=target,
        route=route,
        composition=composition,
        matches=composition.shown(all_targets=all_targets),
        all_targets=all_targets,
    )


@dataclass
class ComposedRow:
    source: Node
    target: Target | None
    shown: bool


def compose_table(
    *, source: Version, target: Version, all_targets: bool = False
) -> tuple[list[Step], list[ComposedRow]]:
    """Every code of `source` composed to `target` in one pass: the best-supported targets of
    each (every target with `all_targets`), codes without any target listed with none."""
    route = correspondence_route(source=source, target=target)
    index = version_index(source)
    rows: list[ComposedRow] = []
    for node in index.items.values():
        composition = compose(item=node, route=route, target=target, source=source)
        best = {id(t) for t in composition.best}
        shown = composition.targets if all_targets else composition.best
        rows += [ComposedRow(node, t, id(t) in best) for t in shown]
        if not shown:
            rows.append(ComposedRow(node, None, False))
    return route, rows


COMPOSED_COLUMNS = [
    "source_code",
    "source_level",
    "source_title",
    "target_code",
    "target_level",
    "target_title",
    "rank",
    "support",
    "confidence",
    "best",
    "children",
    "children_supporting",
    "official",
    "chain",
]


def composed_export_rows(
    *, source: Version, target: Version, all_targets: bool = False, language: str | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """A whole composed table as rows for CSV, XLSX or JSON (`compose_table`)."""
    route, rows = compose_table(source=source, target=target, all_targets=all_targets)
    nodes = {**version_index(source).items, **version_index(target).items}
    for step in route:
        nodes.update(version_index(step.table.source).items)
        nodes.update(version_index(step.table.target).items)
    out = []
    for row in rows:
        t = row.target
        out.append(
            {
                "source_code": row.source.code,
                "source_level": row.source.level,
                "source_title": pick_text(row.source.names, language),
                "target_code": t.node.code if t else "",
                "target_level": t.node.level if t else "",
                "target_title": pick_text(t.node.names, language) if t else "",
                "rank": t.rank if t else "",
                "support": str(t.support) if t else "",
                "confidence": t.confidence if t else "",
                "best": row.shown if t else "",
                "children": t.children if t else "",
                "children_supporting": t.children_supporting if t else "",
                "official": t.is_official if t else "",
                "chain": chain_text(t.best_trail.hops, nodes) if t else "",
            }
        )
    return COMPOSED_COLUMNS, out


def chain_text(hops: Any, nodes: Any) -> str:
    """A trail written out: `47.40→47.41 [full, official] → …`."""
    parts = []
    for h in hops:
        kind = "full" if h.full else "partial"
        where = h.table.slug if h.table is not None else h.basis
        parts.append(f"{nodes[h.source].code}→{nodes[h.target].code} [{kind}, {where}]")
    return " → ".join(parts)


# --- manufacturers ---------------------------------------------------------------------------


@dataclass
class ManufacturerMatch:
    activity: ManufacturerActivity
    via: str  # how the activity was reached: "same version" or the route's table slugs


def national_classifier_get(*, country_code: str) -> Classification:
    row = (
        NationalClassifier.objects.select_related("classification")
        .filter(country_code=country_code)
        .first()
    )
    if row is None:
        raise NotFound(
            _("No national classifier is set for country '%(country)s'.")
            % {"country": country_code},
            code=E.NO_NATIONAL_CLASSIFIER,
            data={"country": country_code},
        )
    return row.classification


def manufacturer_activity_list(*, manufacturer_id: int) -> QuerySet[ManufacturerActivity]:
    return ManufacturerActivity.objects.filter(manufacturer_id=manufacturer_id).select_related(
        "item__version", "item__level"
    )


def manufacturers_doing(
    *, code: str, version_ref: str, on: dt.date | None = None
) -> list[ManufacturerMatch]:
    """Manufacturers in every member state whose activity is X or falls under it.

    X (`code` in the version or classification `version_ref`, at `on`) is mapped through the
    correspondence tables to every version that manufacturers' activities are coded in; the
    mapped codes and their descendants match.
    """
    item = item_get(version=version_resolve(ref=version_ref, on=on), code=code)
    used = Version.objects.filter(
        pk__in=ManufacturerActivity.objects.values("item__version")
    ).order_by("slug")
    matches: list[ManufacturerMatch] = []
    for version in used:
        if version.pk == item.version_id:
            targets, via = [item.pk], "same version"
        else:
            try:
                found = correspond(item=item, target=version)
            except NotFound:
                continue  # no tables reach this version: nothing to compare with
            targets = [t.node.id for t in found.targets]
            via = " → ".join(s.table.slug for s in found.route)
        ids = item_descendant_ids(items=targets)
        for activity in ManufacturerActivity.objects.filter(item_id__in=ids).select_related(
            "manufacturer", "item__version"
        ):
            matches.append(ManufacturerMatch(activity=activity, via=via))
    matches.sort(key=lambda m: (m.activity.manufacturer.code, not m.activity.is_primary))
    return matches


# --- exports ---------------------------------------------------------------------------------


def version_export_rows(*, version: Version) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and rows of a version: code, level, parent, titles and notes per language."""
    items = list(items_at(version=version).order_by("position"))
    titles = sorted({lang for i in items for lang in i.names})
    notes = sorted({lang for i in items for lang in i.notes})
    columns = ["code", "level", "parent"] + [f"name_{x}" for x in titles]
    columns += [f"notes_{x}" for x in notes]
    rows = []
    for i in items:
        row = {"code": i.code, "level": i.level.slug, "parent": i.parent.code if i.parent else ""}
        row.update({f"name_{x}": i.names.get(x, "") for x in titles})
        row.update({f"notes_{x}": i.notes.get(x, "") for x in notes})
        rows.append(row)
    return columns, rows


def table_get(*, slug: str) -> CorrespondenceTable:
    try:
        return CorrespondenceTable.objects.select_related("source", "target").get(slug=slug)
    except CorrespondenceTable.DoesNotExist:
        raise NotFound(
            _("No correspondence table '%(slug)s'.") % {"slug": slug},
            code=E.TABLE_NOT_FOUND,
            data={"slug": slug},
        ) from None


def table_list(*, version: Version | None = None) -> QuerySet[CorrespondenceTable]:
    qs = CorrespondenceTable.objects.select_related("source", "target")
    return qs.filter(Q(source=version) | Q(target=version)) if version else qs


def table_export_rows(
    *, table: CorrespondenceTable, language: str | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    columns = ["source_code", "source_title", "target_code", "target_title", "kind", "notes"]
    rows = [
        {
            "source_code": r.source.code if r.source else "",
            "source_title": pick_text(r.source.names, language) if r.source else "",
            "target_code": r.target.code if r.target else "",
            "target_title": pick_text(r.target.names, language) if r.target else "",
            "kind": table.kind,
            "notes": r.notes,
        }
        for r in table.rows.select_related("source", "target").order_by("id")
    ]
    return columns, rows


def publish_languages(*, version: Version) -> list[str]:
    """Languages a version can be published in: Russian first, then those its titles have."""
    return ["ru", *[lang for lang in version.languages if lang != "ru"]]


# --- reads by number (the Klass API names everything by integer id) -------------------------


def family_list() -> QuerySet[ClassificationFamily]:
    return ClassificationFamily.objects.prefetch_related("classifications")


def family_get_by_id(*, pk: int) -> ClassificationFamily:
    try:
        return family_list().get(pk=pk)
    except ClassificationFamily.DoesNotExist:
        raise NotFound(
            _("No classification family %(id)s.") % {"id": pk},
            code=E.FAMILY_NOT_FOUND,
            data={"id": pk},
        ) from None


def classification_get_by_id(*, pk: int) -> Classification:
    try:
        return classification_list().get(pk=pk)
    except Classification.DoesNotExist:
        raise NotFound(
            f"No classification {pk}.", code=E.CLASSIFICATION_NOT_FOUND, data={"id": pk}
        ) from None


def version_get_by_id(*, pk: int) -> Version:
    try:
        return version_list().get(pk=pk)
    except Version.DoesNotExist:
        raise NotFound(
            f"No classification version {pk}.", code=E.VERSION_NOT_FOUND, data={"id": pk}
        ) from None


def table_get_by_id(*, pk: int) -> CorrespondenceTable:
    try:
        return CorrespondenceTable.objects.select_related(
            "source__classification", "target__classification"
        ).get(pk=pk)
    except CorrespondenceTable.DoesNotExist:
        raise NotFound(
            f"No correspondence table {pk}.", code=E.TABLE_NOT_FOUND, data={"id": pk}
        ) from None


def table_rows(*, table: CorrespondenceTable) -> QuerySet[CorrespondenceRow]:
    return table.rows.select_related("source", "target").order_by("id")


def versions_between(
    *, classification: Classification, start: dt.date, end: dt.date | None
) -> list[Version]:
    """Published versions of a classification in force some day of [start, end] (inclusive)."""
    qs = version_list(classification=classification).published()
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if end is not None:
        qs = qs.filter(valid_from__lte=end)
    return list(qs.order_by("valid_from"))


def level_numbers(*, version: Version) -> dict[str, int]:
    return dict(version.levels.values_list("slug", "number"))


def variant_list(*, version: Version | None = None) -> QuerySet[Variant]:
    qs = Variant.objects.select_related("version__classification")
    return qs.filter(version=version) if version else qs


def variant_get_by_id(*, pk: int) -> Variant:
    try:
        return variant_list().get(pk=pk)
    except Variant.DoesNotExist:
        raise NotFound(
            f"No classification variant {pk}.", code=E.VARIANT_NOT_FOUND, data={"id": pk}
        ) from None


def variant_by_name(*, classification: Classification, name: str, on: dt.date) -> Variant:
    """The variant of the classification in force at `on` whose name (in any language) or
    identifier starts with `name`, as Klass finds variants."""
    wanted = ascii_word_key(name)
    for variant in variant_list().filter(version__classification=classification):
        names = [variant.slug, *variant.names.values()]
        in_force = variant.valid_from <= on and (variant.valid_to is None or on <= variant.valid_to)
        if in_force and any(ascii_word_key(n).startswith(wanted) for n in names):
            return variant
    raise NotFound(
        f"{classification.slug} has no variant named {name!r} in force on {on.isoformat()}.",
        code=E.VARIANT_NOT_FOUND,
        data={"name": name, "date": on.isoformat()},
    )


def variant_items(*, variant: Variant) -> QuerySet[VariantItem]:
    return variant.items.select_related("parent").order_by("position")


def classification_search(
    *, query: str, owner: str | None = None
) -> list[tuple[Classification, float, str]]:
    """Classifications whose names hold every word of the query, or whose codes' titles do:
    (classification, score, snippet), best first. The score is 1 for a name match plus the
    share of the classification's codes that match, capped at 1."""
    words = ascii_word_key(query).split()
    out = []
    for c in classification_list().order_by("pk"):
        if owner and c.owner != owner:
            continue
        names = ascii_word_key(" ".join([*c.names.values(), c.slug]))
        # No words (Klass clients send a blank query with a section): every classification.
        by_name = all(w in names for w in words)
        hits = item_search(query=query, version=None).filter(version__classification=c)
        first = hits.first()
        if not by_name and first is None:
            continue
        total = Item.objects.filter(version__classification=c).count() or 1
        score = (1.0 if by_name else 0.0) + min(1.0, hits.count() / total)
        snippet = f"{first.code} {pick_text(first.names)}" if first else pick_text(c.names)
        out.append((c, round(score, 4), snippet))
    return sorted(out, key=lambda x: -x[1])


# --- export-control lists and the items they cover -------------------------------------------


def control_list_list() -> QuerySet[Classification]:
    """The classifications that are export-control lists (the EU dual-use list, national
    lists), in slug order."""
    return Classification.objects.filter(kind=ClassificationKind.CONTROL_LIST).order_by("slug")


@dataclass(frozen=True)
class ControlEntry:
    """An entry of a control list that covers an item, in the reader's language."""

    list: str
    list_name: str
    version: str
    version_name: str
    code: str
    title: str
    category: str
    category_title: str

    def as_dict(self) -> dict[str, str]:
        return {
            "list": self.list,
            "list_name": self.list_name,
            "version": self.version,
            "version_name": self.version_name,
            "code": self.code,
            "title": self.title,
            "category": self.category,
            "category_title": self.category_title,
        }


def _marks_shown(marks: QuerySet[ControlListMark], reader: Any) -> QuerySet[ControlListMark]:
    """Marks of the items the reader sees in full: a reader who sees only a restricted item's
    number, name and status, or not the item at all, sees none of its marks."""
    scope = read_scope(reader)
    if not scope.sees_all:
        marks = marks.filter(item_visible_q(scope, "item__"))
    # Entries sit at most two levels below their category (3 → 3A → 3A001).
    return marks.select_related("entry__parent__parent", "entry__version__classification").order_by(
        "entry__version__classification__slug", "entry__version__valid_from", "entry__code"
    )


def _entry_of(mark: ControlListMark, language: str | None) -> ControlEntry:
    entry = mark.entry
    version = entry.version
    category = entry
    while category.parent_id is not None and category.parent is not None:
        category = category.parent
    return ControlEntry(
        list=version.classification.slug,
        list_name=pick_text(version.classification.names, language),
        version=version.slug,
        version_name=pick_text(version.names, language) or version.slug,
        code=entry.code,
        title=pick_text(entry.names, language),
        category=category.code,
        category_title=pick_text(category.names, language),
    )


def control_entries(*, niin: str, reader: Any, language: str | None = None) -> list[ControlEntry]:
    """The control-list entries of the item with this NIIN, as the reader may see them (one
    query; none where the release rules do not open the item to the reader)."""
    marks = _marks_shown(ControlListMark.objects.filter(item__niin=niin), reader)
    return [_entry_of(m, language) for m in marks]


def control_entries_of_items(
    item_ids: list[int], *, reader: Any, language: str | None = None
) -> dict[int, list[ControlEntry]]:
    """The entries of several items at once (a page of hits, an export), item id → entries."""
    out: dict[int, list[ControlEntry]] = {}
    if not item_ids:
        return out
    for mark in _marks_shown(ControlListMark.objects.filter(item_id__in=item_ids), reader):
        out.setdefault(mark.item_id, []).append(_entry_of(mark, language))
    return out


def control_filter_q(codes: tuple[str, ...] = (), *, any_entry: bool = False) -> Q:
    """A condition on catalogue items: covered by an entry whose code begins with one of
    `codes` (`3` a category, `3A` a group, `3A001` an entry; `eu-dual-use:3A` within one list),
    or, with `any_entry`, by any entry of any control list. The release rules are the caller's:
    the search applies them to the items it matches, so its counts show no hidden item."""
    condition = Q()
    if any_entry:
        condition &= Q(Exists(ControlListMark.objects.filter(item_id=OuterRef("pk"))))
    if codes:
        wanted = Q()
        for text in codes:
            slug, _sep, code = text.rpartition(":")
            one = Q(entry__code__istartswith=code.strip())
            if slug:
                one &= Q(entry__version__classification__slug=slug.strip().lower())
            wanted |= one
        condition &= Q(Exists(ControlListMark.objects.filter(wanted, item_id=OuterRef("pk"))))
    return condition


TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"", "false", "0", "no", "off"})


def dual_use_param(text: str) -> bool:
    """The `dual_use` search parameter: true (items covered by any control-list entry) or
    false; anything else is refused (422 CONTROL_FILTER_INVALID)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    message = _("dual_use must be true or false")
    raise ValidationFailed(
        message,
        code=E.CONTROL_FILTER_INVALID,
        errors=[FieldError("dual_use", E.CONTROL_FILTER_INVALID, message)],
    )
