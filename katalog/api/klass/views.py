"""The Klass REST API (Statistics Norway's classification server) over katalog's
classifications, so that Klass clients (`ssb-klass-python`, `klassR`) work unchanged with
`BASE_URL = http://HOST/api/klass/v1/`.

Read-only, JSON (HAL) or CSV (`Accept: text/csv`, always UTF-8), `language` taking Klass's
nb/nn/en and katalog's languages (nb and nn read as the server's default language). Errors are
problem+json: 400 for a malformed request as in Klass, 404 for what does not exist, 422 for a
date katalog cannot answer (outside a version, before its known history).

Views call selectors only; the shapes live in `resources`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from katalog.api.errors import ApiErrorCode, problem_response
from katalog.api.klass import params
from katalog.api.klass import resources as res
from katalog.classifiers import selectors
from katalog.classifiers.cache import cached_bytes, version_key
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.models import Classification, Version
from katalog.core.errors import KatalogError, NotFound
from katalog.core.i18n import pick_text

JSON = "application/json"

# --- plumbing -------------------------------------------------------------------------------


def klass_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only; domain errors as problem+json with their status; open to every origin."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = problem_response(
                request,
                status=405,
                code=ApiErrorCode.METHOD_NOT_ALLOWED,
                title=_("Method not allowed"),
                detail=_("%(method)s is not allowed here; use %(allowed)s")
                % {"method": request.method, "allowed": "GET"},
            )
            response["Allow"] = "GET, HEAD"
            return response
        try:
            response = view(request, *args, **kwargs)
        except KatalogError as exc:
            response = problem_response(
                request,
                status=exc.status,
                code=exc.code,
                title=exc.title,
                detail=exc.message,
                errors=[e.as_dict() for e in exc.errors],
                extra=exc.data,
            )
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def wants_csv(request: HttpRequest) -> bool:
    return "text/csv" in request.headers.get("Accept", "")


def json_response(body: Any) -> HttpResponse:
    return HttpResponse(_dumps(body), content_type=JSON)


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def csv_response(rows: list[dict[str, Any]], fields: list[str], separator: str) -> HttpResponse:
    return HttpResponse(csv_bytes(rows, fields, separator), content_type="text/csv; charset=UTF-8")


def csv_bytes(rows: list[dict[str, Any]], fields: list[str], separator: str) -> bytes:
    """CSV as Klass writes it: every text quoted, empty values left empty, notes on one line."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool | int | float):
            return str(value).lower() if isinstance(value, bool) else str(value)
        text = " ".join(str(value).splitlines()).replace('"', "'")
        return f'"{text}"'

    lines = [separator.join(f'"{f}"' for f in fields)]
    lines += [separator.join(cell(row.get(f)) for f in fields) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def list_answer(
    request: HttpRequest, key: str, rows: list[dict[str, Any]], default_fields: list[str]
) -> HttpResponse:
    if wants_csv(request):
        fields = params.csv_fields_param(request, default_fields) or default_fields
        return csv_response(rows, fields, params.separator_param(request))
    params.separator_param(request)
    params.csv_fields_param(request, default_fields)
    return json_response({key: rows})


def _not_before_today(versions: list[Version], include_future: bool) -> list[Version]:
    if include_future:
        return versions
    today = selectors.today()
    return [v for v in versions if v.valid_from <= today]


def _range(request: HttpRequest) -> tuple[dt.date, dt.date | None]:
    """`from` (inclusive) and `to` (exclusive) as an inclusive katalog interval."""
    start = params.date_param(request, "from")
    to = params.date_optional(request, "to")
    if to is not None and to <= start:
        raise params.bad("to", "must be after from (to is exclusive)")
    return start, (to - dt.timedelta(days=1)) if to else None


def _classification(pk: int) -> Classification:
    return selectors.classification_get_by_id(pk=pk)


# --- classifications ------------------------------------------------------------------------


@klass_view
def index(request: HttpRequest) -> HttpResponse:
    return json_response(
        {
            "_links": {
                "classifications": res.link(request, "classifications"),
                "classificationfamilies": res.link(request, "classificationfamilies"),
                "ssbsections": res.link(request, "ssbsections"),
                "katalog": {"href": request.build_absolute_uri("/api/v1/docs")},
            }
        }
    )


def _paged(
    request: HttpRequest, key: str, rows: list[dict[str, Any]], extra_links: dict[str, Any]
) -> HttpResponse:
    size = params.int_param(request, "size", default=20) or 20
    number = params.int_param(request, "page", default=0) or 0
    shown = rows[number * size : (number + 1) * size]
    links = {"self": {"href": request.build_absolute_uri()}, **extra_links}
    if (number + 1) * size < len(rows):
        links["next"] = {"href": request.build_absolute_uri(f"?page={number + 1}&size={size}")}
    body: dict[str, Any] = {}
    if shown:
        body["_embedded"] = {key: shown}
    body["_links"] = links
    body["page"] = res.page(size, len(rows), number)
    return json_response(body)


@klass_view
def classifications(request: HttpRequest) -> HttpResponse:
    lang = params.language_param(request) if "language" in request.GET else None
    params.bool_param(request, "includeCodelists")
    describe = params.bool_param(request, "includeDescription")
    since = _changed_since(request)
    rows = [
        res.classification_summary(request, c, lang or "", description=describe)
        for c in selectors.classification_list().order_by("pk")
        if since is None or any(v.created_at >= since for v in c.versions.all())
    ]
    search = res.link(request, "classifications/search", "{?query,includeCodelists}")
    return _paged(request, "classifications", rows, {"search": search})


def _changed_since(request: HttpRequest) -> dt.datetime | None:
    value = request.GET.get("changedSince")
    if not value:
        return None
    text = value.strip().replace(" ", "+")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise params.bad("changedSince", f"{value!r} is not yyyy-MM-ddTHH:mm:ss.SSSZ") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@klass_view
def search(request: HttpRequest) -> HttpResponse:
    """Classifications whose names, or the titles of whose codes, hold every word."""
    query = params.required(request, "query")
    params.bool_param(request, "includeCodelists")
    section = (request.GET.get("ssbSection") or "").split(" - ")[0].strip()
    lang = params.language_param(request) if "language" in request.GET else ""
    rows = []
    for c, score, snippet in selectors.classification_search(query=query, owner=section or None):
        rows.append(
            {
                "name": pick_text(c.names, lang),
                "id": c.pk,
                "language": lang or None,
                "snippet": snippet,
                "searchScore": score,
                "_links": {"self": res.link(request, f"classifications/{c.pk}")},
            }
        )
    return _paged(request, "searchResults", rows, {})


@klass_view
def classification(request: HttpRequest, pk: int) -> HttpResponse:
    lang = params.language_param(request)
    future = params.bool_param(request, "includeFuture")
    c = _classification(pk)
    versions = _not_before_today(list(c.versions.all()), future)
    return json_response(res.classification(request, c, versions, lang))


# --- codes ----------------------------------------------------------------------------------


def _code_item(
    version: Version,
    code: selectors.DatedCode,
    numbers: dict[str, int],
    lang: str,
    pattern: str | None,
    ranged: bool,
) -> dict[str, Any]:
    item = code.item
    start, end = selectors.item_interval(version, item)
    name = pick_text(code.names, lang)
    out: dict[str, Any] = {
        "code": item.code,
        "parentCode": item.parent.code if item.parent_id and item.parent else None,
        "level": str(numbers[item.level.slug]),
        "name": name,
        "shortName": "",
        "presentationName": params.presentation_name(pattern, item.code, name),
        "validFrom": res.day(start),
        "validTo": res.end_exclusive(end),
    }
    if ranged:
        out["validFromInRequestedRange"] = res.day(code.valid_from)
        out["validToInRequestedRange"] = res.end_exclusive(code.valid_to)
    out["notes"] = pick_text(item.notes, lang)
    return out


def _keep(
    items: list[dict[str, Any]], request: HttpRequest, level_param: str = "selectLevel"
) -> list[dict[str, Any]]:
    level = params.int_param(request, level_param)
    selection = params.select_codes_param(request)
    if level is not None:
        items = [i for i in items if i["level"] == str(level)]
    if selection is not None:
        items = [i for i in items if selection.matches(i["code"])]
    return sorted(items, key=lambda i: (i["code"], i.get("validFromInRequestedRange") or ""))


def _compress(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry for a code whose title and level stay the same across adjoining stretches
    (two versions sharing the code), as Klass compresses its code lists."""
    out: list[dict[str, Any]] = []
    for item in sorted(
        items, key=lambda i: (i["code"], i["name"], i["level"], i["validFromInRequestedRange"])
    ):
        last = out[-1] if out else None
        same = last is not None and all(last[k] == item[k] for k in ("code", "name", "level"))
        if same and last["validToInRequestedRange"] == item["validFromInRequestedRange"]:  # type: ignore[index]
            last["validToInRequestedRange"] = item["validToInRequestedRange"]  # type: ignore[index]
            last["validTo"] = item["validTo"]  # type: ignore[index]
        else:
            out.append(dict(item))
    return out


@klass_view
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Codes in force some day of [from, to), each with its validity in the range."""
    c = _classification(pk)
    start, end = _range(request)
    lang = params.language_param(request)
    pattern = request.GET.get("presentationNamePattern")
    future = params.bool_param(request, "includeFuture")
    versions = _not_before_today(
        selectors.versions_between(classification=c, start=start, end=end), future
    )
    if not versions:
        raise NotFound(
            f"{c.slug} has no version in force from {start.isoformat()}.",
            code=E.NO_VERSION_AT_DATE,
            data={"classification": c.slug, "date": start.isoformat()},
        )
    items = []
    for v in versions:
        numbers = selectors.level_numbers(version=v)
        first = max(start, v.valid_from)
        last = selectors.earliest(end, v.valid_to)
        for code in selectors.codes_between(version=v, start=first, end=last):
            items.append(_code_item(v, code, numbers, lang, pattern, ranged=True))
    return list_answer(request, "codes", _keep(_compress(items), request), res.RANGED_CODE_FIELDS)


@klass_view
def codes_at(request: HttpRequest, pk: int) -> HttpResponse:
    """The codes in force at `date`, with their titles of that day."""
    c = _classification(pk)
    on = params.date_param(request, "date")
    lang = params.language_param(request)
    pattern = request.GET.get("presentationNamePattern")
    version = selectors.version_at(classification=c, on=on)
    fmt = "csv" if wants_csv(request) else "json"
    query = tuple(sorted((k, v) for k, v in request.GET.items() if k not in ("date",)))

    def build() -> bytes:
        numbers = selectors.level_numbers(version=version)
        items = [
            _code_item(version, code, numbers, lang, pattern, ranged=False)
            for code in selectors.codes_at(version=version, on=on)
        ]
        kept = _keep(items, request)
        if fmt == "csv":
            fields = params.csv_fields_param(request, res.CODE_FIELDS) or res.CODE_FIELDS
            return csv_bytes(kept, fields, params.separator_param(request))
        params.separator_param(request)
        return _dumps({"codes": kept})

    content = cached_bytes(version_key(version, "klass-codesAt", on, lang, fmt, query), build)
    if fmt == "csv":
        return HttpResponse(content, content_type="text/csv; charset=UTF-8")
    return HttpResponse(content, content_type=JSON)


# --- changes --------------------------------------------------------------------------------


def _change(old: Any, new: Any, lang: str, on: dt.date) -> dict[str, Any]:
    return {
        "oldCode": old[0] if old else None,
        "oldName": old[1] if old else None,
        "oldShortName": "" if old else None,
        "newCode": new[0] if new else None,
        "newName": new[1] if new else None,
        "newShortName": "" if new else None,
        "changeOccurred": on.isoformat(),
    }


@klass_view
def changes(request: HttpRequest, pk: int) -> HttpResponse:
    """Codes that changed from one version to the next, or by an amendment, in [from, to)."""
    c = _classification(pk)
    start, end = _range(request)
    lang = params.language_param(request)
    versions = list(selectors.version_list(classification=c).published().order_by("valid_from"))
    if not selectors.versions_between(classification=c, start=start, end=end):
        raise NotFound(
            f"{c.slug} has no version in force from {start.isoformat()}.",
            code=E.NO_VERSION_AT_DATE,
            data={"classification": c.slug, "date": start.isoformat()},
        )
    rows: list[dict[str, Any]] = []
    inside = lambda d: start <= d and (end is None or d <= end)  # noqa: E731
    for before, after in itertools.pairwise(versions):
        if inside(after.valid_from):
            rows += _version_changes(before, after, lang)
    for v in versions:
        for amendment in selectors.amendment_list(version=v):
            if inside(amendment.in_force_from):
                rows += _amendment_changes(amendment, lang)
    return list_answer(request, "codeChanges", rows, res.CHANGE_FIELDS)


def _version_changes(before: Version, after: Version, lang: str) -> list[dict[str, Any]]:
    result = selectors.changes_between(source=before, target=after, language=lang)
    on = after.valid_from
    rows = []
    for ch in result.changes:
        if ch.kind == "new":
            rows.append(_change(None, (ch.target_codes[0], ch.target_title), lang, on))
        elif ch.kind == "removed":
            rows.append(_change((ch.source_codes[0], ch.source_title), None, lang, on))
        elif ch.kind == "renamed":
            code = ch.source_codes[0]
            rows.append(_change((code, ch.source_title), (code, ch.target_title), lang, on))
        elif ch.kind == "split":
            rows += [
                _change((ch.source_codes[0], ch.source_title), (t, ""), lang, on)
                for t in ch.target_codes
            ]
        else:
            rows += [
                _change((s, ""), (ch.target_codes[0], ch.target_title), lang, on)
                for s in ch.source_codes
            ]
    return rows


def _amendment_changes(amendment: Any, lang: str) -> list[dict[str, Any]]:
    on = amendment.in_force_from
    rows = []
    for c in amendment.changes.all():
        old = (c.item.code, pick_text(c.old_names, lang))
        new = (c.item.code, pick_text(c.new_names, lang))
        if c.kind == "added":
            rows.append(_change(None, new, lang, on))
        elif c.kind == "closed":
            rows.append(_change(old, None, lang, on))
        else:
            rows.append(_change(old, new, lang, on))
    return rows


# --- correspondences ------------------------------------------------------------------------


def _pairs(source: Version, target: Version, lang: str) -> list[dict[str, Any]]:
    """The correspondence between two versions: a table between them as it stands, or, when
    only a route through other tables leads there, each code's best-supported targets."""
    route = selectors.correspondence_route(source=source, target=target)
    out = []
    if len(route) == 1:
        step = route[0]
        for row in selectors.table_rows(table=step.table):
            a, b = (row.target, row.source) if step.reverse else (row.source, row.target)
            if a is not None and b is not None:
                out.append(_pair(a.code, a.names, b.code, b.names, lang))
    else:
        _route, rows = selectors.compose_table(source=source, target=target)
        for r in rows:
            if r.target is not None:
                out.append(
                    _pair(
                        r.source.code, r.source.names, r.target.node.code, r.target.node.names, lang
                    )
                )
    return out


def _pair(a: str, a_names: dict, b: str, b_names: dict, lang: str) -> dict[str, Any]:
    return {
        "sourceCode": a,
        "sourceName": pick_text(a_names, lang),
        "sourceShortName": "",
        "targetCode": b,
        "targetName": pick_text(b_names, lang),
        "targetShortName": "",
    }


def _sorted_pairs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    unique = {tuple(r.items()): r for r in rows}
    return sorted(
        unique.values(),
        key=lambda r: (
            r["sourceCode"],
            r["sourceName"],
            r["targetCode"],
            r["targetName"],
            r.get("validFrom") or "",
        ),
    )


@klass_view
def corresponds_at(request: HttpRequest, pk: int) -> HttpResponse:
    source = _classification(pk)
    target = _classification(_target_id(request))
    on = params.date_param(request, "date")
    lang = params.language_param(request)
    pairs = _pairs(
        selectors.version_at(classification=source, on=on),
        selectors.version_at(classification=target, on=on),
        lang,
    )
    return list_answer(
        request, "correspondenceItems", _sorted_pairs(pairs), res.CORRESPONDENCE_FIELDS
    )


def _target_id(request: HttpRequest) -> int:
    value = params.int_param(request, "targetClassificationId")
    if value is None:
        raise params.bad(
            "targetClassificationId", "is required", params.KlassErrorCode.PARAMETER_MISSING
        )
    return value


@klass_view
def corresponds(request: HttpRequest, pk: int) -> HttpResponse:
    """Correspondences over [from, to): one stretch per pair of versions in force together;
    a part of the range without any answers 404, as in Klass."""
    source = _classification(pk)
    target = _classification(_target_id(request))
    start, end = _range(request)
    lang = params.language_param(request)
    stretches = _stretches(source, target, start, end)
    rows: list[dict[str, Any]] = []
    for first, last, sv, tv in stretches:
        for pair in _pairs(sv, tv, lang):
            rows.append({**pair, "validFrom": res.day(first), "validTo": res.end_exclusive(last)})
    return list_answer(
        request, "correspondenceItems", _merge_stretches(rows), res.RANGED_CORRESPONDENCE_FIELDS
    )


def _stretches(
    source: Classification, target: Classification, start: dt.date, end: dt.date | None
) -> list[tuple[dt.date, dt.date | None, Version, Version]]:
    out = []
    expected = start
    for sv in selectors.versions_between(classification=source, start=start, end=end):
        s_first, s_last = max(start, sv.valid_from), selectors.earliest(end, sv.valid_to)
        for tv in selectors.versions_between(classification=target, start=s_first, end=s_last):
            first = max(s_first, tv.valid_from)
            last = selectors.earliest(s_last, tv.valid_to)
            if first != expected:
                break
            out.append((first, last, sv, tv))
            expected = last + dt.timedelta(days=1) if last else dt.date.max
    covered = out and (out[-1][1] is None if end is None else (out[-1][1] or dt.date.max) >= end)
    if not covered:
        raise NotFound(
            f"No correspondence from {source.slug} to {target.slug} covers the whole range "
            f"from {start.isoformat()}.",
            code=E.NO_CORRESPONDENCE_PATH,
            data={"source": source.slug, "target": target.slug, "from": start.isoformat()},
        )
    return out


def _merge_stretches(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in _sorted_pairs(rows):
        last = out[-1] if out else None
        same = last is not None and all(last[k] == row[k] for k in res.CORRESPONDENCE_FIELDS)
        if same and last["validTo"] == row["validFrom"]:  # type: ignore[index]
            last["validTo"] = row["validTo"]  # type: ignore[index]
        else:
            out.append(dict(row))
    return out


@klass_view
def correspondence_table(request: HttpRequest, pk: int) -> HttpResponse:
    lang = params.language_param(request)
    table = selectors.table_get_by_id(pk=pk)
    maps = [
        {
            "sourceCode": r.source.code if r.source else None,
            "sourceName": pick_text(r.source.names, lang) if r.source else None,
            "targetCode": r.target.code if r.target else None,
            "targetName": pick_text(r.target.names, lang) if r.target else None,
        }
        for r in selectors.table_rows(table=table)
    ]
    maps.sort(key=lambda m: (m["sourceCode"] or "", m["targetCode"] or ""))
    if wants_csv(request):
        return csv_response(maps, res.MAP_FIELDS, params.separator_param(request))
    body = res.table_summary(request, table, lang)
    links = body.pop("_links")
    body.update(
        {
            "description": res.table_description(table, lang),
            "changelogs": [],
            "correspondenceMaps": maps,
            "_links": links,
        }
    )
    return json_response(body)


# --- versions and variants ------------------------------------------------------------------


def _version_items(version: Version, lang: str) -> list[dict[str, Any]]:
    numbers = selectors.level_numbers(version=version)
    items = []
    for item in selectors.items_at(version=version):
        row: dict[str, Any] = {
            "code": item.code,
            "parentCode": item.parent.code if item.parent_id and item.parent else "",
            "level": str(numbers[item.level.slug]),
            "name": pick_text(item.names, lang),
            "shortName": None,
            "notes": pick_text(item.notes, lang) or None,
        }
        if item.valid_from or item.valid_to:
            row["validFrom"] = res.day(item.valid_from or version.valid_from)
            row["validTo"] = res.end_exclusive(item.valid_to)
        items.append(row)
    return sorted(items, key=lambda r: r["code"])


@klass_view
def version(request: HttpRequest, pk: int) -> HttpResponse:
    """A whole version: levels, codes, tables, variants and amendments (served from memory
    until the version changes)."""
    lang = params.language_param(request)
    v = selectors.version_get_by_id(pk=pk)
    fmt = "csv" if wants_csv(request) else "json"
    separator = params.separator_param(request)

    def build() -> bytes:
        items = _version_items(v, lang)
        if fmt == "csv":
            return csv_bytes(items, res.ITEM_FIELDS, separator)
        return _dumps(_version_body(request, v, lang, items))

    content = cached_bytes(
        version_key(v, "klass-version", lang, fmt, separator, request.get_host()), build
    )
    return HttpResponse(content, content_type="text/csv; charset=UTF-8" if fmt == "csv" else JSON)


def _version_body(
    request: HttpRequest, v: Version, lang: str, items: list[dict[str, Any]]
) -> dict[str, Any]:
    body = res.version_summary(request, v, lang)
    links = body.pop("_links")
    levels = [res.level(lv.slug, lv.number, lv.names, lang) for lv in v.levels.order_by("number")]
    body.update(
        {
            "introduction": pick_text(v.introduction, lang),
            "contactPerson": res.contact(v.classification.owner),
            "owningSection": res.owner_name(v.classification.owner),
            "legalBase": pick_text(v.legal_base, lang),
            "publications": v.source,
            "derivedFrom": "",
            "correspondenceTables": [
                res.table_summary(request, t, lang) for t in selectors.table_list(version=v)
            ],
            "classificationVariants": [
                res.variant_summary(request, x, lang) for x in selectors.variant_list(version=v)
            ],
            "changelogs": [
                {
                    "changeOccured": res.stamp(
                        dt.datetime.combine(a.in_force_from, dt.time(), dt.UTC)
                    ),
                    "description": f"{a.number}: {pick_text(a.legal_act, lang)}",
                }
                for a in selectors.amendment_list(version=v)
            ],
            "levels": levels,
            "classificationItems": items,
            # katalog's own: what is known of the content over time.
            "history": v.history,
            "asPublishedOn": res.day(v.content_as_of),
            "knownFrom": res.day(v.known_from),
            "historyNote": selectors.as_published_text(v, lang),
            "_links": {
                **links,
                "classification": res.link(request, f"classifications/{v.classification_id}"),
            },
        }
    )
    return body


def _variant_items(variant: Any, lang: str, pattern: str | None) -> list[dict[str, Any]]:
    rows = []
    for item in selectors.variant_items(variant=variant):
        name = pick_text(item.names, lang)
        rows.append(
            {
                "code": item.code,
                "parentCode": item.parent.code if item.parent else None,
                "level": str(item.level),
                "name": name,
                "shortName": "",
                "presentationName": params.presentation_name(pattern, item.code, name),
                "validFrom": res.day(variant.valid_from),
                "validTo": res.end_exclusive(variant.valid_to),
                "notes": "",
            }
        )
    return rows


@klass_view
def variant_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    lang = params.language_param(request)
    variant = selectors.variant_get_by_id(pk=pk)
    items = [
        {k: r[k] for k in ("code", "parentCode", "level", "name", "shortName", "notes")}
        | {"parentCode": r["parentCode"] or ""}
        for r in _variant_items(variant, lang, None)
    ]
    if wants_csv(request):
        return csv_response(items, res.ITEM_FIELDS, params.separator_param(request))
    body = res.variant_summary(request, variant, lang)
    links = body.pop("_links")
    levels = sorted({int(i["level"]) for i in items})
    body.update(
        {
            "validFrom": res.day(variant.valid_from),
            **({"validTo": res.end_exclusive(variant.valid_to)} if variant.valid_to else {}),
            "introduction": pick_text(variant.introduction, lang),
            "correspondenceTables": [],
            "changelogs": [],
            "levels": [{"levelNumber": n, "levelName": str(n)} for n in levels],
            "classificationItems": sorted(items, key=lambda i: i["code"]),
            "_links": links,
        }
    )
    return json_response(body)


@klass_view
def variant_at(request: HttpRequest, pk: int) -> HttpResponse:
    c = _classification(pk)
    name = params.required(request, "variantName")
    on = params.date_param(request, "date")
    lang = params.language_param(request)
    variant = selectors.variant_by_name(classification=c, name=name, on=on)
    rows = _variant_items(variant, lang, request.GET.get("presentationNamePattern"))
    return list_answer(request, "codes", _keep(rows, request, "level"), res.CODE_FIELDS)


@klass_view
def variant_range(request: HttpRequest, pk: int) -> HttpResponse:
    c = _classification(pk)
    name = params.required(request, "variantName")
    start, end = _range(request)
    lang = params.language_param(request)
    variant = selectors.variant_by_name(classification=c, name=name, on=start)
    rows = _variant_items(variant, lang, request.GET.get("presentationNamePattern"))
    last = selectors.earliest(end, variant.valid_to)
    for row in rows:
        row["validFromInRequestedRange"] = res.day(max(start, variant.valid_from))
        row["validToInRequestedRange"] = res.end_exclusive(last)
    return list_answer(request, "codes", _keep(rows, request, "level"), res.RANGED_CODE_FIELDS)


# --- families and sections ------------------------------------------------------------------


@klass_view
def families(request: HttpRequest) -> HttpResponse:
    lang = params.language_param(request)
    params.bool_param(request, "includeCodelists")
    rows = [res.family_summary(request, f, lang) for f in selectors.family_list().order_by("pk")]
    body: dict[str, Any] = {"_embedded": {"classificationFamilies": rows}} if rows else {}
    body["_links"] = {"self": {"href": request.build_absolute_uri()}}
    return json_response(body)


@klass_view
def family(request: HttpRequest, pk: int) -> HttpResponse:
    lang = params.language_param(request)
    section = (request.GET.get("ssbSection") or "").split(" - ")[0].strip()
    f = selectors.family_get_by_id(pk=pk)
    members = [
        c for c in f.classifications.all().order_by("pk") if not section or c.owner == section
    ]
    return json_response(
        {
            "name": pick_text(f.names, lang),
            "id": f.pk,
            "classifications": [res.classification_summary(request, c, lang) for c in members],
            "_links": {"self": res.link(request, f"classificationfamilies/{f.pk}")},
        }
    )


@klass_view
def sections(request: HttpRequest) -> HttpResponse:
    owners = sorted({c.owner for c in selectors.classification_list() if c.owner})
    rows = [{"name": res.owner_name(o)} for o in owners]
    return json_response(
        {
            "_embedded": {"ssbSections": rows},
            "_links": {"self": {"href": request.build_absolute_uri()}},
        }
    )


@klass_view
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise NotFound(
        _("There is no endpoint at %(path)s") % {"path": request.path},
        code=ApiErrorCode.ROUTE_NOT_FOUND,
    )
