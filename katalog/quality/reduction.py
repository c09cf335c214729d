"""The nomenclature-reduction report: where does the alliance keep several items where fewer
would do?

Five sections, each computed over the items the person running the report may read in full
(the release rules of `catalog.visibility`):

1. clusters of probable duplicates across bureaus, from the centre's screening candidates
   (pairs not dismissed, joined into connected groups), with the evidence of each pair;
2. items of one item name whose key characteristics agree (coded and text replies exactly,
   numbers within a relative tolerance) under different numbers;
3. cancelled items on which nations are still registered as users;
4. items without any registered user;
5. items on restrictive lists still procured by a nation (its management data).

Every group of sections 1 and 2 names the item proposed to keep: the one with most user
registrations, then the best quality score, then (once the lists exist) the one on a
preferred list, then the lowest number; the reasons say which of these decided.

Section 2 streams the key characteristic values ordered by item name and item: only the items
of one item name are held at a time, so it runs in flat memory over millions of items.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from katalog.catalog.list_selectors import listed_items_q
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    ItemListKind,
    ManagementData,
    Registration,
)
from katalog.catalog.visibility import item_visible_q, read_scope
from katalog.quality.models import ItemQuality, ReductionCluster, ReductionReport, ReductionSection
from katalog.screening.models import CandidateState, DuplicateCandidate

DEFAULT_TOLERANCE = 0.01  # relative, where a characteristic sets no screening tolerance
STREAM_CHUNK = 5_000
MEMBER_BATCH = 500  # clusters whose members are read and stored together
KIND = "quality-reduction"

# The reasons a kept item was chosen, in the order they are applied.
BY_REGISTRATIONS = "registrations"
BY_QUALITY = "quality"
BY_PREFERRED = "preferred"
BY_NUMBER = "number"
ONLY_CANDIDATE = "only"

Progress = Callable[[int, int | None], None]


def _no_progress(_done: int, _total: int | None = None) -> None:
    return None


# --- the item proposed to keep ------------------------------------------------------------------


def preferred_items(item_ids: Iterable[int]) -> set[int]:
    """Of these items (already ones the reader sees), those on a list of preferred items in
    force today."""
    return set(
        Item.objects.filter(pk__in=list(item_ids))
        .filter(listed_items_q(ItemListKind.PREFERRED))
        .values_list("pk", flat=True)
    )


def _rank(member: dict[str, Any]) -> tuple[int, int, int, str]:
    """Smaller is better: most registrations, best score (unscored last), preferred, number."""
    score = member["score"]
    return (
        -member["registrations"],
        -(score if score is not None else -1),
        0 if member.get("preferred") else 1,
        member["niin"],
    )


def choose_kept(members: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The member proposed to keep and why: the first criterion on which it beats the next
    best member (and the ones it ties on before that), as codes with their values."""
    ordered = sorted(members, key=_rank)
    kept = ordered[0]
    if len(ordered) < 2:
        return kept, [{"code": ONLY_CANDIDATE}]
    runner_up = ordered[1]
    reasons: list[dict[str, Any]] = []
    criteria = (
        (BY_REGISTRATIONS, "registrations"),
        (BY_QUALITY, "score"),
        (BY_PREFERRED, "preferred"),
        (BY_NUMBER, "niin"),
    )
    for (code, key), kept_rank, other_rank in zip(
        criteria, _rank(kept), _rank(runner_up), strict=True
    ):
        decided = kept_rank != other_rank
        reasons.append({"code": code, "value": kept.get(key), "other": runner_up.get(key),
                        "decided": decided})  # fmt: skip
        if decided:
            break
    return kept, reasons


# --- which items the report reads ---------------------------------------------------------------


def _items(reader: Any) -> QuerySet[Item]:
    scope = read_scope(reader)
    return Item.objects.filter(item_visible_q(scope, as_set=True))


def _open_registrations() -> QuerySet[Registration]:
    return Registration.objects.filter(item_id=OuterRef("pk"), effective_to__isnull=True)


def _live(rows: QuerySet[Item]) -> QuerySet[Item]:
    return rows.exclude(status__in=CANCELLED_STATUSES)


# --- section 1: probable duplicates across bureaus ----------------------------------------------


class _Groups:
    """Union-find over item ids: pairs joined into connected groups."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for x in self.parent:
            found[self.find(x)].append(x)
        return sorted((sorted(g) for g in found.values() if len(g) > 1), key=lambda g: g[0])


def duplicate_clusters(reader: Any) -> Iterator[tuple[list[int], list[dict[str, Any]]]]:
    """The groups of items the screening candidates join (open or confirmed pairs, both items
    still live and read in full by the reader), each with the evidence of its pairs. The ids
    of the pairs are read first (the centre's queue, narrow rows); the evidence is read again
    for a batch of groups at a time."""
    visible = _live(_items(reader)).values("pk")
    pairs = (
        DuplicateCandidate.objects.exclude(state=CandidateState.DISMISSED)
        .filter(item_id__in=visible, candidate_id__in=visible)
        .order_by("pk")
    )
    groups = _Groups()
    for a, b in pairs.values_list("item_id", "candidate_id").iterator(chunk_size=STREAM_CHUNK):
        groups.join(a, b)
    found = groups.groups()
    for start in range(0, len(found), MEMBER_BATCH):
        batch = found[start : start + MEMBER_BATCH]
        group_of = {i: n for n, members in enumerate(batch) for i in members}
        evidence: list[list[dict[str, Any]]] = [[] for _members in batch]
        rows = pairs.filter(item_id__in=list(group_of)).values_list(
            "item_id", "candidate_id", "score", "verdict", "state", "explanation"
        )
        for a, b, score, verdict, state, records in rows.iterator(chunk_size=STREAM_CHUNK):
            evidence[group_of[a]].append(
                {"item": a, "candidate": b, "score": round(score, 3), "verdict": verdict,
                 "state": state, "records": records}
            )  # fmt: skip
        yield from zip(batch, evidence, strict=True)


# --- section 2: same item name, same key characteristics ----------------------------------------


@dataclass
class _Signature:
    """An item's key characteristics: the exact part (coded, text, yes/no replies and the set of
    numeric characteristics answered) and the numbers compared within their tolerance."""

    item_id: int
    exact: list[tuple[str, str]] = field(default_factory=list)
    numbers: list[tuple[str, float, float | None, float]] = field(default_factory=list)

    def key(self) -> tuple[Any, ...]:
        return (tuple(sorted(self.exact)), tuple(sorted(code for code, *_ in self.numbers)))

    def vector(self) -> list[tuple[float, float | None, float]]:
        return [(v, top, tol) for _code, v, top, tol in sorted(self.numbers)]


def _text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def within(a: float, b: float, tolerance: float) -> bool:
    """Two numbers agree when they differ by at most `tolerance` of the larger magnitude."""
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) or a == b


Vector = list[tuple[float, float | None, float]]


def _agree(first: Vector, second: Vector) -> bool:
    for (a, a_top, tol), (b, b_top, _tol) in zip(first, second, strict=True):
        if not within(a, b, tol):
            return False
        if (a_top is None) != (b_top is None):
            return False
        if a_top is not None and b_top is not None and not within(a_top, b_top, tol):
            return False
    return True


def _value_rows(reader: Any) -> QuerySet[CharacteristicValue, tuple[Any, ...]]:
    items = _live(_items(reader))
    return (
        CharacteristicValue.objects.filter(characteristic__is_key=True, item_id__in=items.values("pk"))
        .order_by("item__item_name_id", "item_id")
        .values_list(
            "item__item_name_id", "item_id", "characteristic__code", "characteristic__tolerance",
            "value", "value_max", "code", "text", "flag", "raw",
        )
    )  # fmt: skip


def _signature(item_id: int, rows: Iterable[tuple[Any, ...]]) -> _Signature:
    found = _Signature(item_id)
    for _name, _item, code, tolerance, value, top, coded, text, flag, raw in rows:
        if value is not None:
            found.numbers.append((code, float(value), top, tolerance or DEFAULT_TOLERANCE))
        elif coded:
            found.exact.append((code, coded.upper()))
        elif flag is not None:
            found.exact.append((code, "Y" if flag else "N"))
        else:
            found.exact.append((code, _text_key(text or raw)))
    return found


Cell = tuple[int, int]


def _cell(value: float, tolerance: float) -> Cell:
    """The cell of a number on a logarithmic grid whose step is the widest ratio two agreeing
    numbers can have: numbers within the tolerance lie in the same or a neighbouring cell."""
    if value == 0:
        return (0, 0)
    step = -math.log1p(-min(tolerance, 0.5)) or 1e-12
    return (1 if value > 0 else -1, math.floor(math.log(abs(value)) / step))


def _near(cell: Cell) -> list[Cell]:
    sign, index = cell
    return [cell] if sign == 0 else [(sign, index - 1), cell, (sign, index + 1)]


def _cells(vector: Vector) -> list[Cell | None]:
    cells: list[Cell | None] = []
    for value, top, tolerance in vector:
        cells.append(_cell(value, tolerance))
        cells.append(None if top is None else _cell(top, tolerance))
    return cells


def _tolerance_groups(items: list[_Signature]) -> list[list[int]]:
    """Items of one exact key joined when every number agrees within tolerance. Equal vectors
    are joined at once; the others are put on a grid of cells (`_cell`), and each is compared
    only with the items of its own and the neighbouring cells: linear in the items, not
    quadratic, however many share a value."""
    if len(items) < 2:
        return []
    if not items[0].numbers:
        return [sorted(s.item_id for s in items)]
    groups = _Groups()
    first_of: dict[tuple[Any, ...], int] = {}
    grid: dict[tuple[Cell | None, ...], list[tuple[Vector, int]]] = defaultdict(list)
    for signature in items:
        vector = signature.vector()
        exact = tuple(vector)
        if exact in first_of:
            groups.join(first_of[exact], signature.item_id)
            continue
        first_of[exact] = signature.item_id
        cells = _cells(vector)
        options = [[None] if c is None else _near(c) for c in cells]
        for neighbour in itertools.product(*options):
            for other, other_id in grid.get(neighbour, ()):
                if _agree(vector, other):
                    groups.join(signature.item_id, other_id)
        grid[tuple(cells)].append((vector, signature.item_id))
    return groups.groups()


def _name_groups(signatures: list[_Signature]) -> list[list[int]]:
    by_key: dict[tuple[Any, ...], list[_Signature]] = defaultdict(list)
    for s in signatures:
        by_key[s.key()].append(s)
    found: list[list[int]] = []
    for same in by_key.values():
        found.extend(_tolerance_groups(same))
    return found


def same_characteristic_clusters(reader: Any) -> Iterator[list[int]]:
    """Groups of live items of one item name whose key characteristics agree, streamed one
    item name at a time from the values ordered by item name and item."""
    rows = _value_rows(reader).iterator(chunk_size=STREAM_CHUNK)
    for _name, name_rows in itertools.groupby(rows, key=lambda r: r[0]):
        signatures = [
            _signature(item_id, item_rows)
            for item_id, item_rows in itertools.groupby(name_rows, key=lambda r: r[1])
        ]
        yield from sorted(_name_groups(signatures), key=lambda g: g[0])


# --- sections 3 to 5: item lists ----------------------------------------------------------------


def cancelled_registered(reader: Any) -> QuerySet[Item]:
    """Cancelled items on which a nation is still registered as a user."""
    return (
        _items(reader)
        .filter(status__in=CANCELLED_STATUSES)
        .filter(Exists(_open_registrations()))
        .order_by("niin")
    )


def without_users(reader: Any) -> QuerySet[Item]:
    """Live items on which no nation is registered as a user."""
    return _live(_items(reader)).filter(~Exists(_open_registrations())).order_by("niin")


def restricted_procured(reader: Any) -> QuerySet[ManagementData]:
    """The management data by which a nation still procures an item on a restrictive list in
    force (one row per item and nation), of the items the reader sees in full and the rows it
    may read: released ones, its own and those of its bureau's items."""
    scope = read_scope(reader)
    rows = ManagementData.objects.filter(
        item__in=_live(_items(reader)).filter(listed_items_q(ItemListKind.RESTRICTIVE))
    )
    if not scope.sees_all:
        rows = rows.filter(
            Q(released=True) | Q(bureau_id=scope.bureau_id or 0)
            | Q(item__bureau_id=scope.bureau_id or 0)
        )  # fmt: skip
    return rows.select_related("item", "bureau").order_by("item__niin", "bureau__key")


def restricted_procured_rows(reader: Any) -> Iterator[dict[str, Any]]:
    for row in restricted_procured(reader).iterator(chunk_size=2_000):
        yield {"catalogue_number": row.item.catalogue_number, "bureau": row.bureau.key}


# --- members of a group, as stored --------------------------------------------------------------


def _members(groups: Sequence[list[int]]) -> dict[int, dict[str, Any]]:
    ids = [i for g in groups for i in g]
    rows = (
        Item.objects.filter(pk__in=ids)
        .annotate(users=Count("registrations", filter=Q(registrations__effective_to__isnull=True)))
        .values_list("pk", "niin", "supply_class", "bureau__key", "status", "item_name__code",
                     "users")
    )  # fmt: skip
    scores = dict(ItemQuality.objects.filter(item_id__in=ids).values_list("item_id", "score"))
    preferred = preferred_items(ids)
    return {
        pk: {"id": pk, "niin": niin, "supply_class": cls, "bureau": bureau, "status": status,
             "item_name": name, "registrations": users, "score": scores.get(pk),
             "preferred": pk in preferred}
        for pk, niin, cls, bureau, status, name, users in rows
    }  # fmt: skip


def _cluster(
    report: ReductionReport,
    section: str,
    position: int,
    members: list[dict[str, Any]],
    evidence: list[dict[str, Any]],
) -> ReductionCluster:
    kept, reasons = choose_kept(members)
    niins = {m["id"]: m["niin"] for m in members}
    for pair in evidence:
        pair["item"], pair["candidate"] = niins[pair["item"]], niins[pair["candidate"]]
    names = Counter(m["item_name"] for m in members)
    groups = Counter(m["supply_class"][:2] for m in members)
    return ReductionCluster(
        report=report, section=section, position=position,
        item_name=names.most_common(1)[0][0], supply_group=groups.most_common(1)[0][0],
        size=len(members), kept=kept["niin"], reasons=reasons,
        members=sorted(members, key=_rank), evidence=evidence,
    )  # fmt: skip


def _store(
    report: ReductionReport,
    section: str,
    found: Iterable[tuple[list[int], list[dict[str, Any]]]],
    tally: dict[str, Any],
    advance: Callable[[int], None],
) -> None:
    position = 0
    source = iter(found)
    while batch := list(itertools.islice(source, MEMBER_BATCH)):
        members = _members([ids for ids, _e in batch])
        rows = []
        for ids, evidence in batch:
            present = [members[i] for i in ids if i in members]
            if len(present) < 2:
                continue
            position += 1
            rows.append(_cluster(report, section, position, present, evidence))
        ReductionCluster.objects.bulk_create(rows)
        for row in rows:
            tally["clusters"] += 1
            tally["items"] += row.size
            tally["spare"] += row.size - 1
            tally["by_group"][row.supply_group] += 1
            for bureau in {m["bureau"] for m in row.members}:
                tally["by_bureau"][bureau] += 1
        advance(len(batch))


def _tally() -> dict[str, Any]:
    return {"clusters": 0, "items": 0, "spare": 0, "by_group": Counter(), "by_bureau": Counter()}


def _counted(queryset: QuerySet[Item]) -> dict[str, Any]:
    by_bureau = dict(
        queryset.order_by().values_list("bureau__key").annotate(n=Count("pk")).order_by()
    )
    return {"items": sum(by_bureau.values()), "by_bureau": by_bureau}


def reduction_compute(
    *, reader: Any, report: ReductionReport, progress: Progress = _no_progress
) -> dict[str, Any]:
    """Compute the report over what `reader` may read, store its groups on `report`, and
    return (and store) its figures."""
    read_scope(reader)  # refuses a reader who may not read the catalogue at all
    report.clusters.all().delete()  # a job run again after its worker stopped starts over
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        progress(done, None)

    duplicates, same = _tally(), _tally()
    with transaction.atomic():
        _store(report, ReductionSection.DUPLICATES, duplicate_clusters(reader), duplicates,
               advance)  # fmt: skip
    with transaction.atomic():
        _store(report, ReductionSection.SAME_CHARACTERISTICS,
               ((ids, []) for ids in same_characteristic_clusters(reader)), same, advance)  # fmt: skip
    procured = (
        restricted_procured(reader)
        .order_by()
        .aggregate(items=Count("item_id", distinct=True), rows=Count("pk"))
    )
    figures = {
        ReductionSection.DUPLICATES.value: _plain(duplicates),
        ReductionSection.SAME_CHARACTERISTICS.value: _plain(same),
        "cancelled_registered": _counted(cancelled_registered(reader)),
        "without_users": _counted(without_users(reader)),
        "restricted_procured": {
            "items": procured["items"],
            "rows": procured["rows"],
            "available": True,
        },
        "items": _live(_items(reader)).count(),
    }
    report.figures = figures
    report.save(update_fields=["figures", "computed_at"])
    return figures


def _plain(tally: dict[str, Any]) -> dict[str, Any]:
    return {
        "clusters": tally["clusters"],
        "items": tally["items"],
        "spare": tally["spare"],
        "by_group": dict(sorted(tally["by_group"].items())),
        "by_bureau": dict(sorted(tally["by_bureau"].items())),
    }
