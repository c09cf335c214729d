"""Reads of the classification server, shared by the API, the CLI and the pages.

Date-shaped after klass: `version_at(classification, date)`, `items_at`, `item_path`,
`changes_between(v1, v2)`, `correspond(item, target version)`.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from katalog.classifiers.choices import TableKind, TableMethod
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.models import (
    Classification,
    CorrespondenceRow,
    CorrespondenceTable,
    Item,
    ManufacturerActivity,
    NationalClassifier,
    ValidationFinding,
    Version,
)
from katalog.core.errors import NotFound
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
            f"No classification {slug!r}.", code=E.CLASSIFICATION_NOT_FOUND, data={"slug": slug}
        ) from None


def version_list(*, classification: Classification | None = None) -> QuerySet[Version]:
    qs = Version.objects.select_related("classification")
    return qs.filter(classification=classification) if classification else qs


def version_get(*, slug: str) -> Version:
    try:
        return version_list().get(slug=slug)
    except Version.DoesNotExist:
        raise NotFound(
            f"No classification version {slug!r}.", code=E.VERSION_NOT_FOUND, data={"slug": slug}
        ) from None


def version_at(*, classification: Classification, on: dt.date) -> Version:
    """The published version of `classification` valid at `on` (versions never overlap)."""
    version = version_list(classification=classification).published().valid_at(on).first()
    if version is None:
        raise NotFound(
            f"{classification.slug} has no version valid at {on.isoformat()}.",
            code=E.NO_VERSION_AT_DATE,
            data={"classification": classification.slug, "date": on.isoformat()},
        )
    return version


def version_resolve(*, ref: str, on: dt.date | None = None) -> Version:
    """A version named by its own slug (`isic4`) or by its classification's slug at a date."""
    version = version_list().filter(slug=ref).first()
    if version is not None:
        return version
    if Classification.objects.filter(slug=ref).exists():
        return version_at(classification=classification_get(slug=ref), on=on or today())
    raise NotFound(
        f"No classification or version {ref!r}.", code=E.VERSION_NOT_FOUND, data={"slug": ref}
    )


# --- items ----------------------------------------------------------------------------------


def items_at(
    *, version: Version, on: dt.date | None = None, level: str | None = None
) -> QuerySet[Item]:
    """Items of `version`, restricted to those valid at `on` when given."""
    qs = Item.objects.filter(version=version).select_related("level", "parent")
    if on is not None:
        qs = qs.valid_at(on)
    return qs.filter(level__slug=level) if level else qs


def item_get(*, version: Version, code: str) -> Item:
    try:
        return Item.objects.select_related("level", "version", "parent").get(
            version=version, code=code.strip()
        )
    except Item.DoesNotExist:
        raise NotFound(
            f"{version.slug} has no code {code!r}.",
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
    qs = ValidationFinding.objects.select_related("version", "table")
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


@dataclass(frozen=True)
class Hop:
    """One item-to-item step of a correspondence path."""

    source: Item
    target: Item
    table: CorrespondenceTable
    reverse: bool
    notes: str

    @property
    def kind(self) -> str:
        return self.table.kind


@dataclass
class Match:
    """A target item and every path that leads to it."""

    item: Item
    paths: list[list[Hop]]

    @property
    def is_official(self) -> bool:
        """True when at least one path uses official tables only."""
        return any(all(h.kind == TableKind.OFFICIAL for h in p) for p in self.paths)


@dataclass
class Correspondence:
    source: Item
    target: Version
    route: list[Step]
    matches: list[Match]
    # Set when `source` itself is not in the first table and its nearest ancestor that is was
    # used instead (e.g. GKED subclasses, which the GKED↔NACE table leaves out).
    via_ancestor: Item | None = None


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
        cost, _, version_id, route = heapq.heappop(queue)
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
        f"No correspondence tables lead from {source.slug} to {target.slug}.",
        code=E.NO_CORRESPONDENCE_PATH,
        data={"source": source.slug, "target": target.slug},
    )


def correspond(*, item: Item, target: Version) -> Correspondence:
    """The items of `target` that `item` corresponds to, with every path through the tables
    (many-to-many fan-out at each step) and whether each step is official or derived."""
    route = correspondence_route(source=item.version, target=target)
    start = _first_mapped(item, route[0]) if route else item
    trails: dict[int, list[list[tuple[int, int, Step, str]]]] = {start.pk: [[]]}
    for step in route:
        trails = _advance(trails, step)
    ids = {item.pk} | set(trails)
    for paths in trails.values():
        for path in paths:
            ids |= {hop[0] for hop in path} | {hop[1] for hop in path}
    items = Item.objects.select_related("level", "version").in_bulk(ids)
    matches = [
        Match(
            item=items[target_id],
            paths=[
                [
                    Hop(items[a], items[b], step.table, step.reverse, notes)
                    for a, b, step, notes in p
                ]
                for p in paths
            ],
        )
        for target_id, paths in trails.items()
    ]
    matches.sort(key=lambda m: m.item.position)
    return Correspondence(
        source=item,
        target=target,
        route=route,
        matches=matches,
        via_ancestor=start if start.pk != item.pk else None,
    )


def _first_mapped(item: Item, step: Step) -> Item:
    """The item, or its nearest ancestor, that has a row in the step's table."""
    near = "target_id" if step.reverse else "source_id"
    for candidate in reversed(item_path(item=item)):
        if CorrespondenceRow.objects.filter(table=step.table, **{near: candidate.pk}).exists():
            return candidate
    return item


def _advance(
    trails: dict[int, list[list[tuple[int, int, Step, str]]]], step: Step
) -> dict[int, list[list[tuple[int, int, Step, str]]]]:
    """Follow one table from every current item, fanning out to every counterpart."""
    near, far = ("target_id", "source_id") if step.reverse else ("source_id", "target_id")
    rows = CorrespondenceRow.objects.filter(
        table=step.table, **{f"{near}__in": list(trails)}, **{f"{far}__isnull": False}
    ).values_list(near, far, "notes", "by_ancestor")
    by_near: dict[int, list[tuple[int, str, bool]]] = {}
    for a, b, notes, by_ancestor in rows.order_by("id"):
        by_near.setdefault(a, []).append((b, notes, by_ancestor))
    out: dict[int, list[list[tuple[int, int, Step, str]]]] = {}
    for a, found in by_near.items():
        if step.reverse and any(not anc for _, _, anc in found):
            # Read backwards, "subclass → its class" rows would list every subclass as a
            # counterpart of the class; keep them only when nothing else corresponds.
            found = [f for f in found if not f[2]]
        for b, notes, _ in found:
            for path in trails[a]:
                out.setdefault(b, []).append([*path, (a, b, step, notes)])
    return out


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
            f"No national classifier is set for country {country_code!r}.",
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
            targets = [m.item.pk for m in found.matches]
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
            f"No correspondence table {slug!r}.", code=E.TABLE_NOT_FOUND, data={"slug": slug}
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
