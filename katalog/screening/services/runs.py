"""Screening runs: one described item (`screen`), the lines of a request (`screen_many`) or
prepared queries in chunks (`screen_prepared`, for parts lists). A run prepares the queries,
finds their candidates together, scores each and keeps the best; candidates the reader may not
see in full keep their number, score and verdict only (`redacted`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from katalog.catalog.list_selectors import list_marks_of, preferred_items_for
from katalog.catalog.visibility import read_scope, visible_item_ids
from katalog.core.errors import ValidationFailed
from katalog.screening.explain import EvidenceCode
from katalog.screening.keys import folded_key, translit_key
from katalog.screening.models import NOT_SCREENED, Verdict
from katalog.screening.services.interface import Evidence, ScreeningInput, ScreeningResult
from katalog.screening.services.preparing import Lookups, Prepared, prepare
from katalog.screening.services.queries import (
    Loaded,
    ReferenceRow,
    characteristic_candidates,
    fetch_reference_rows,
    given_keys,
    load_candidates,
)
from katalog.screening.services.scoring import (
    best_reference_evidence,
    evaluate,
    thresholds,
    with_replacements,
)
from katalog.screening.services.writes import screening_keys_catch_up


def _settled(p: Prepared, rows: list[ReferenceRow]) -> bool:
    """References settle the question when one of the query's manufacturer matches exactly."""
    return any(
        r.manufacturer is not None and row.key == r.key and row.manufacturer_id == r.manufacturer.pk
        for r in p.refs
        for row in rows
    )


def screen_prepared(
    prepared: list[Prepared], *, reader: Any, limit: int = 5
) -> list[ScreeningResult]:
    """Screen prepared queries together: the reference look-ups run once for all of them.
    Candidates the reader may not see in full keep their number, score and verdict only."""
    scope = read_scope(reader)
    screening_keys_catch_up()
    bounds = thresholds()
    rows = fetch_reference_rows(prepared)
    rows_by_key: dict[str, list[ReferenceRow]] = defaultdict(list)
    for row in rows:
        rows_by_key[row.key].append(row)
        rows_by_key["a:" + row.ascii_key].append(row)
    folded_of = {row.id: folded_key(row.number) for row in rows}
    for row in rows:
        rows_by_key["f:" + folded_of[row.id]].append(row)
        rows_by_key["t:" + translit_key(row.number)].append(row)
    per_query: list[dict[int, list[ReferenceRow]]] = []
    extra_ids: list[list[int]] = []
    for p in prepared:
        hits: dict[int, list[ReferenceRow]] = defaultdict(list)
        for ref in p.refs:
            for row in {
                id(r): r
                for k in (ref.key, "a:" + ref.ascii_key, "f:" + ref.folded, "t:" + ref.translit)
                for r in rows_by_key.get(k, [])
            }.values():
                hits[row.item_id].append(row)
        per_query.append(hits)
        extra_ids.append(
            []
            if _settled(p, [r for rs in hits.values() for r in rs])
            else characteristic_candidates(p)
        )
    preferred = _preferred_ids(prepared, reader)
    item_ids = {i for hits in per_query for i in hits} | {i for ids in extra_ids for i in ids}
    item_ids |= {i for ids in preferred for i in ids}
    loaded = load_candidates(item_ids, {row.manufacturer_id for row in rows})
    results = [
        with_preferred(_result(p, hits, extra, loaded, bounds, limit), p, ids, loaded, bounds)
        for p, hits, extra, ids in zip(prepared, per_query, extra_ids, preferred, strict=True)
    ]
    shown_ids = {c.item_id for r in results for c in r.candidates}
    full = shown_ids if scope.sees_all else visible_item_ids(scope, shown_ids)
    marked(results, full)
    if scope.sees_all:
        return results
    return [redacted(result, full) for result in results]


PREFERRED_LIMIT = 5


def _preferred_ids(prepared: list[Prepared], reader: Any) -> list[list[int]]:
    """For each query that asks, the preferred items of its item name the reader sees, those
    of its supply class first (one query for all)."""
    asking = [p.item_name.code for p in prepared if p.query.preferred and p.item_name]
    found = preferred_items_for(asking, reader=reader) if asking else {}
    offered: list[list[int]] = []
    for p in prepared:
        rows = found.get(p.item_name.code, []) if p.query.preferred and p.item_name else []
        rows = sorted(rows, key=lambda row: row[1] != p.query.supply_class)
        offered.append([pk for pk, _class in rows[:PREFERRED_LIMIT]])
    return offered


def with_preferred(
    result: ScreeningResult,
    p: Prepared,
    preferred_ids: list[int],
    loaded: Loaded,
    bounds: tuple[float, float],
) -> ScreeningResult:
    """The best preferred item of the same item name whose key characteristics do not conflict
    with the given ones goes first among the candidates, marked preferred; the verdict stays
    the duplicate screening's own."""
    offered = []
    for item_id in preferred_ids:
        if item_id in p.query.exclude_item_ids or item_id not in loaded.items:
            continue
        found = next((c for c in result.candidates if c.item_id == item_id), None)
        candidate = found or evaluate(p, loaded.items[item_id], [], loaded, bounds)
        if any(e.code == EvidenceCode.CHARACTERISTIC_CONFLICT for e in candidate.evidence):
            continue
        offered.append(candidate)
    if not offered:
        return result
    best = max(offered, key=lambda c: c.score)
    best.preferred = True
    result.candidates = [best, *(c for c in result.candidates if c.item_id != best.item_id)]
    return result


def marked(results: list[ScreeningResult], full: set[int]) -> None:
    """Each candidate the reader sees in full names the lists in force it is on (a restrictive
    list says the item is not to be used in new designs)."""
    marks = list_marks_of(full)
    for result in results:
        for candidate in result.candidates:
            candidate.lists = marks.get(candidate.item_id, [])


def redacted(result: ScreeningResult, full: set[int]) -> ScreeningResult:
    """As the NCS answers a match on another nation's restricted item (return code AU): the
    number and the verdict, and that its data is released only by the assigning bureau."""
    for candidate in result.candidates:
        if candidate.item_id in full:
            continue
        candidate.item_name, candidate.item_names = "", {}
        candidate.evidence = [
            Evidence(
                kind="release",
                outcome="match",
                weight=0.0,
                code=EvidenceCode.RESTRICTED_CANDIDATE,
                params={},
                data={"code": EvidenceCode.RESTRICTED_CANDIDATE.value},
            )
        ]
    return result


def _result(
    p: Prepared,
    hits: dict[int, list[ReferenceRow]],
    extra: list[int],
    loaded: Loaded,
    bounds: tuple[float, float],
    limit: int,
) -> ScreeningResult:
    if not p.refs and not given_keys(p):
        # only a name (or values that are not key characteristics): nothing to compare
        return ScreeningResult(
            verdict=NOT_SCREENED, candidates=[], lower=bounds[0], upper=bounds[1]
        )
    excluded = set(p.query.exclude_item_ids)
    candidates = []
    for item_id in dict.fromkeys([*hits, *extra]):
        if item_id in excluded or item_id not in loaded.items:
            continue
        ref_evidence = best_reference_evidence(p, hits.get(item_id, []), loaded.makers)
        candidates.append(evaluate(p, loaded.items[item_id], ref_evidence, loaded, bounds))
    candidates = with_replacements(p, candidates, loaded, bounds)
    candidates.sort(key=lambda c: (-c.score, c.catalogue_number))
    candidates = [c for c in candidates if c.score > 0][:limit]
    verdict = candidates[0].verdict if candidates else Verdict.NO_DUPLICATE.value
    return ScreeningResult(verdict=verdict, candidates=candidates, lower=bounds[0], upper=bounds[1])


def screen_many(
    queries: list[ScreeningInput], *, reader: Any, limit: int = 5
) -> list[ScreeningResult | ValidationFailed]:
    """Screen several described items at once (the lines of a request): the look-ups run once
    for all of them. A query that cannot be screened gets its refusal in its place."""
    lookups = Lookups()
    lookups.load_manufacturers(r.manufacturer_code for q in queries for r in q.references)
    prepared: list[Prepared] = []
    answers: list[ScreeningResult | ValidationFailed] = []
    for query in queries:
        try:
            prepared.append(prepare(query, lookups))
            answers.append(ScreeningResult(verdict="", candidates=[], lower=0.0, upper=0.0))
        except ValidationFailed as refused:
            answers.append(refused)
    results = iter(screen_prepared(prepared, reader=reader, limit=limit)) if prepared else iter(())
    return [next(results) if isinstance(a, ScreeningResult) else a for a in answers]


def screen(query: ScreeningInput, *, reader: Any, limit: int = 5) -> ScreeningResult:
    """Screen one described item against the catalogue; ValidationFailed for bad input."""
    lookups = Lookups()
    lookups.load_manufacturers(r.manufacturer_code for r in query.references)
    return screen_prepared([prepare(query, lookups)], reader=reader, limit=limit)[0]
