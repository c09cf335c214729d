"""Ranked composition of correspondences through several tables.

A code is followed table by table along a route (see `selectors.correspondence_route`). Every
link keeps its kind: full (the whole source goes to the target) or partial (the source splits),
official or derived, and why (the table's own flag, the table's fan-out, code identity, an
ancestor). A trail's weight is the product over its links of 1 for a full link and 1/n for a
partial one of n; a target's confidence is the sum of the weights of the trails reaching it
(at most 1), the share of the source that the tables send there under an even split.

Targets are ranked: same code and title first, then targets reached by full links only, then
by partial links, then those only reached by rolling up. The best-supported targets are the
first of these tiers present; among partial ones, those with at least half the best confidence.

A code above the level of a table (a NACE group, while ISIC Rev.4 → Rev.5 maps classes only)
is rolled up: its descendants at the first level the table has are followed instead, and their
targets are lifted to the source's level, each with the share of the children that reach it.

The tables and versions are read once into memory and cached per process; the cache keys carry
each version's `row_version`, which every import and amendment bumps.
"""

from __future__ import annotations

from collections import ChainMap, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from katalog.classifiers.choices import LEVEL_ORDER, LinkBasis, Support, TableKind
from katalog.classifiers.models import CorrespondenceRow, CorrespondenceTable, Item, Version
from katalog.classifiers.rules import digits_of
from katalog.core.text import ascii_word_key

# Confidence kept for a target whose code and title equal the source's: the same category.
IDENTITY_CONFIDENCE = 1.0
# Among partially supported targets, those with at least this share of the best confidence
# are shown by default; `all` shows every target.
BEST_SHARE = 0.5
TIER_ORDER = [Support.IDENTITY, Support.FULL, Support.PARTIAL, Support.ROLLUP]


@dataclass(frozen=True)
class Node:
    """An item as composition needs it."""

    id: int
    code: str
    names: dict[str, str]
    level: str
    parent: int | None
    position: int
    version: int


@dataclass
class VersionIndex:
    version_id: int
    items: dict[int, Node]
    children: dict[int, list[int]]
    by_digits: dict[str, list[int]] = field(default_factory=dict)

    @cached_property
    def levels(self) -> set[str]:
        return {node.level for node in self.items.values()}

    def ancestor_at(self, item: int, level: str) -> int | None:
        """The item itself or its ancestor at `level` (None when the chain has none)."""
        current: int | None = item
        while current is not None:
            node = self.items[current]
            if node.level == level:
                return current
            current = node.parent
        return None

    def descendants_by_level(self, item: int) -> list[list[int]]:
        """The descendants of an item, one list per generation, nearest first."""
        out: list[list[int]] = []
        frontier = self.children.get(item, [])
        while frontier:
            out.append(frontier)
            frontier = [c for f in frontier for c in self.children.get(f, [])]
        return out


@dataclass(frozen=True)
class Link:
    """One row of a table read in one direction."""

    target: int
    full: bool
    basis: str
    by_ancestor: bool
    notes: str


@dataclass
class TableIndex:
    table: CorrespondenceTable
    reverse: bool
    links: dict[int, list[Link]]


@dataclass(frozen=True)
class Hop:
    """One step of a trail. `table` is None for a step inside one version: to an ancestor
    (the source has no row of its own) or to a descendant (rolling up)."""

    source: int
    target: int
    table: CorrespondenceTable | None
    reverse: bool
    full: bool
    basis: str
    fan_out: int
    notes: str = ""

    @property
    def kind(self) -> str:
        """A table's kind; a step inside a version follows its own hierarchy (official), one
        made by code and title identity is derived."""
        if self.table is not None:
            return self.table.kind
        return TableKind.DERIVED if self.basis == LinkBasis.IDENTITY else TableKind.OFFICIAL


@dataclass
class Trail:
    hops: tuple[Hop, ...]
    weight: float
    # The item (and its level) whose children were followed instead of it, with their number.
    rollup: tuple[int, str, int] | None = None
    rollup_child: int | None = None

    def extend(self, hop: Hop, factor: float) -> Trail:
        return Trail((*self.hops, hop), self.weight * factor, self.rollup, self.rollup_child)

    @property
    def all_full(self) -> bool:
        return all(h.full for h in self.hops)


@dataclass
class Target:
    """A composed target with the trails that support it."""

    node: Node
    support: str
    confidence: float
    trails: list[Trail]
    children: int = 0  # rolled up: how many children were followed
    children_supporting: int = 0
    rank: int = 0

    @property
    def best_trail(self) -> Trail:
        return max(self.trails, key=lambda t: (t.all_full, t.weight, -len(t.hops)))

    @property
    def is_official(self) -> bool:
        return any(all(h.kind == TableKind.OFFICIAL for h in t.hops) for t in self.trails)


@dataclass
class Composition:
    source: Node
    target_version: Version
    targets: list[Target]  # every target, ranked
    nodes: Mapping[int, Node]
    rolled_up: bool = False
    via_ancestor: Node | None = None

    @property
    def best(self) -> list[Target]:
        return best_supported(self.targets)

    def shown(self, *, all_targets: bool) -> list[Target]:
        return self.targets if all_targets else self.best


# --- caches ---------------------------------------------------------------------------------

_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_SIZE = 64


def _cached(key: tuple[Any, ...], build: Any) -> Any:
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = build()
    _CACHE[key] = value
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def clear_cache() -> None:
    _CACHE.clear()


def version_index(version: Version) -> VersionIndex:
    key = ("version", version.pk, version.row_version, version.created_at)
    return _cached(key, lambda: _build_version_index(version.pk))


def _build_version_index(version_id: int) -> VersionIndex:
    items: dict[int, Node] = {}
    children: dict[int, list[int]] = {}
    rows = (
        Item.objects.filter(version_id=version_id)
        .order_by("position", "code")
        .values_list("id", "code", "names", "level__slug", "parent_id", "position")
    )
    by_digits: dict[str, list[int]] = {}
    for pk, code, names, level, parent, position in rows:
        items[pk] = Node(pk, code, names, level, parent, position, version_id)
        by_digits.setdefault(digits_of(code), []).append(pk)
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    return VersionIndex(version_id, items, children, by_digits)


def table_index(table: CorrespondenceTable, reverse: bool) -> TableIndex:
    key = ("table", table.pk, table.created_at, reverse)
    return _cached(key, lambda: _build_table_index(table, reverse))


def _build_table_index(table: CorrespondenceTable, reverse: bool) -> TableIndex:
    near, far = ("target_id", "source_id") if reverse else ("source_id", "target_id")
    # Read backwards, a link is full when the target (now the near side) is not partial.
    partial = "target_partial" if reverse else "source_partial"
    links: dict[int, list[Link]] = {}
    rows = (
        CorrespondenceRow.objects.filter(table=table, source__isnull=False, target__isnull=False)
        .order_by("id")
        .values_list(near, far, partial, "basis", "by_ancestor", "notes")
    )
    for a, b, is_partial, basis, by_ancestor, notes in rows:
        links.setdefault(a, []).append(Link(b, not is_partial, basis, by_ancestor, notes))
    if reverse:
        # Read backwards, "subclass → its class" rows would list every subclass as a
        # counterpart of the class; keep them only when nothing else corresponds.
        for a, found in links.items():
            own = [link for link in found if not link.by_ancestor]
            if own:
                links[a] = own
    return TableIndex(table, reverse, links)


# --- composition ----------------------------------------------------------------------------


@dataclass
class _State:
    trails: dict[int, list[Trail]] = field(default_factory=dict)

    def add(self, item: int, trail: Trail) -> None:
        self.trails.setdefault(item, []).append(trail)


def compose(
    *, item: Item | Node, route: list[Any], target: Version, source: Version | None = None
) -> Composition:
    """Follow `item` along `route` (a list of `selectors.Step`) to `target`, ranked."""
    if source is None:
        source = item.version if isinstance(item, Item) else _version_of(item)
    source_index = version_index(source)
    start = source_index.items[item.pk if isinstance(item, Item) else item.id]
    indexes = [table_index(step.table, step.reverse) for step in route]
    versions = _route_versions(route, source_index, target)
    state = _State({start.id: [Trail((), 1.0)]})
    via_ancestor: Node | None = None
    for n, (step_index, version) in enumerate(zip(indexes, versions, strict=True)):
        if n == 0:
            state, via_ancestor = _start_at_mapped(state, start, step_index, version)
        state = _advance(state, step_index, version)
    target_index = version_index(target) if route else source_index
    nodes = ChainMap(target_index.items, source_index.items, *(v.items for v in versions))
    if route:
        _add_identity(start, state, target_index)
    targets = _rank(start, state, target_index, nodes)
    return Composition(
        source=start,
        target_version=target,
        targets=targets,
        nodes=nodes,
        rolled_up=any(t.support == Support.ROLLUP or t.children for t in targets),
        via_ancestor=via_ancestor,
    )


def _version_of(node: Node) -> Version:
    return Version.objects.get(pk=node.version)


def _route_versions(route: list[Any], source: VersionIndex, target: Version) -> list[VersionIndex]:
    """The index of the version each step starts from."""
    out = []
    for step in route:
        start = step.table.target if step.reverse else step.table.source
        out.append(source if start.pk == source.version_id else version_index(start))
    return out


def _start_at_mapped(
    state: _State, start: Node, index: TableIndex, version: VersionIndex
) -> tuple[_State, Node | None]:
    """A source the first table leaves out goes through its nearest ancestor that it has
    (GKED subclasses through their class), unless its descendants are there (rolled up)."""
    if start.id in index.links or _mapped_descendants(start.id, index, version):
        return state, None
    current = start.parent
    while current is not None:
        if current in index.links:
            hop = Hop(start.id, current, None, False, True, LinkBasis.ANCESTOR, 1)
            return _State({current: [Trail((hop,), 1.0)]}), version.items[current]
        current = version.items[current].parent
    return state, None


def _mapped_descendants(item: int, index: TableIndex, version: VersionIndex) -> list[int]:
    """The descendants of `item` at the first generation with rows in the table."""
    for generation in version.descendants_by_level(item):
        mapped = [d for d in generation if d in index.links]
        if mapped:
            return mapped
    return []


def _advance(state: _State, index: TableIndex, version: VersionIndex) -> _State:
    out = _State()
    for near, trails in state.trails.items():
        if near in index.links:
            expanded = [(near, trails)]
        else:
            children = _mapped_descendants(near, index, version)
            if not children:
                continue  # a dead end: nothing in this table for the code or below it
            expanded = [
                (child, [_rolled(t, near, version, child, len(children)) for t in trails])
                for child in children
            ]
        for item, item_trails in expanded:
            links = index.links[item]
            for link in links:
                factor = 1.0 if link.full else 1.0 / len(links)
                hop = Hop(
                    item,
                    link.target,
                    index.table,
                    index.reverse,
                    link.full,
                    link.basis,
                    len(links),
                    link.notes,
                )
                for trail in item_trails:
                    out.add(link.target, trail.extend(hop, factor))
    return out


def _rolled(trail: Trail, parent: int, version: VersionIndex, child: int, count: int) -> Trail:
    hop = Hop(parent, child, None, False, False, LinkBasis.ANCESTOR, count)
    rollup = trail.rollup or (parent, version.items[parent].level, count)
    first_child = trail.rollup_child if trail.rollup is not None else child
    return Trail((*trail.hops, hop), trail.weight / count, rollup, first_child)


def _add_identity(source: Node, state: _State, target: VersionIndex) -> None:
    """The target code with the source's code and title is a target even where no table leads
    to it (classes new in both NACE Rev.2.1 and ISIC Rev.5): a derived identity link."""
    for pk in target.by_digits.get(digits_of(source.code), []):
        node = target.items[pk]
        if pk not in state.trails and _titles_agree(source.names, node.names):
            hop = Hop(
                source.id, pk, None, False, True, LinkBasis.IDENTITY, 1, "code and title identity"
            )
            state.add(pk, Trail((hop,), 1.0))


def _rank(
    source: Node, state: _State, target: VersionIndex, nodes: Mapping[int, Node]
) -> list[Target]:
    gathered: dict[int, list[Trail]] = {}
    expanded: dict[int, int] = {}  # rolled-up item → how many of its children were followed
    for item, trails in state.trails.items():
        for trail in trails:
            lifted = item
            if trail.rollup is not None:
                lifted = _lift(item, trail.rollup[1], target)
                expanded[trail.rollup[0]] = trail.rollup[2]
            gathered.setdefault(lifted, []).append(trail)
    children = sum(expanded.values())
    targets = [
        _target(source, target.items[t], trails, nodes, children) for t, trails in gathered.items()
    ]
    targets.sort(key=lambda t: (TIER_ORDER.index(t.support), -t.confidence, t.node.position))  # type: ignore[arg-type]
    for rank, t in enumerate(targets, start=1):
        t.rank = rank
    return targets


def _lift(item: int, level: str, target: VersionIndex) -> int:
    """A rolled-up target lifted to the level the source was at; where the target has no such
    level (GKED's subsections in ISIC), to the next finer level it has (divisions)."""
    node = target.items[item]
    if level not in LEVEL_ORDER or node.level not in LEVEL_ORDER:
        return item
    levels = target.levels
    finer = [lv for lv in LEVEL_ORDER[LEVEL_ORDER.index(level) :] if lv in levels]
    if not finer or LEVEL_ORDER.index(node.level) <= LEVEL_ORDER.index(finer[0]):
        return item
    return target.ancestor_at(item, finer[0]) or item


def _target(
    source: Node, node: Node, trails: list[Trail], nodes: Mapping[int, Node], children: int
) -> Target:
    confidence = min(1.0, sum(t.weight for t in trails))
    rolled = [t for t in trails if t.rollup is not None]
    supporting = len({(t.rollup[0], t.rollup_child) for t in rolled})  # type: ignore[index]
    if not rolled:
        children = 0
    if _same_code_and_title(source, node, trails, nodes):
        support, confidence = Support.IDENTITY, IDENTITY_CONFIDENCE
    elif any(t.rollup is None and t.all_full for t in trails):
        support = Support.FULL
    elif any(t.rollup is None for t in trails):
        support = Support.PARTIAL
    else:
        support = Support.ROLLUP
        confidence = min(1.0, supporting / children) if children else confidence
    return Target(node, support, round(confidence, 4), trails, children, supporting)


def _same_code_and_title(
    source: Node, target: Node, trails: list[Trail], nodes: Mapping[int, Node]
) -> bool:
    """The target has the source's code (dots aside) and the same title, compared in a language
    both have: the source's own titles or those of an item of the same code on the way (an
    OKVED2 code meets its NACE twin's English title)."""
    digits = digits_of(target.code)
    if digits_of(source.code) != digits:
        return False
    same_code = [source]
    for trail in trails:
        same_code += [
            nodes[h.target] for h in trail.hops if digits_of(nodes[h.target].code) == digits
        ]
    return any(_titles_agree(candidate.names, target.names) for candidate in same_code)


def _titles_agree(a: dict[str, str], b: dict[str, str]) -> bool:
    return any(ascii_word_key(a[lang]) == ascii_word_key(b[lang]) for lang in a.keys() & b.keys())


def best_supported(targets: Iterable[Target]) -> list[Target]:
    ranked = list(targets)
    if not ranked:
        return []
    tier = ranked[0].support
    same_tier = [t for t in ranked if t.support == tier]
    if tier in (Support.IDENTITY, Support.FULL):
        return same_tier
    top = same_tier[0].confidence
    return [t for t in same_tier if t.confidence >= BEST_SHARE * top]
