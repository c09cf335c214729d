"""REST endpoints of the search area: the one search box with filters, facets and paging."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from katalog.api.auth import ReaderRequest, read_auth
from katalog.api.errors import Problem
from katalog.api.schemas.search import (
    SearchOut,
)
from katalog.search.selectors import search, search_query_from_params

router = Router(tags=["search"])


@router.get(
    "",
    auth=read_auth,
    response={200: SearchOut, 401: Problem, 422: Problem},
    operation_id="search",
    summary="Search items by catalogue number, reference, manufacturer code or words, with facets",
)
def search_items(
    request: ReaderRequest,
    q: str = "",
    supply_class: list[str] = Query(
        [], alias="class", description="supply class, e.g. 5310 (repeatable)"
    ),
    group: list[str] = Query([], description="supply group, e.g. 53"),
    status: list[str] = Query([], description="item status code, e.g. 0"),
    bureau: list[str] = Query([], description="assigning bureau (key or user code)"),
    country: list[str] = Query([], description="manufacturer country, e.g. RU"),
    user: list[str] = Query([], description="registered user nation (user code or bureau key)"),
    name: list[str] = Query([], description="item name: 5-digit code or words"),
    char: list[str] = Query(
        [],
        description=(
            "characteristic condition, by code or by name: THDD:10..12mm, MATL:steel, "
            "thread diameter 10..12 mm"
        ),
    ),
    sort: str = Query(
        "relevance", description="relevance, number, class, status; '-' for descending"
    ),
    quality_below: int | None = Query(None, description="items whose quality score is below this"),
    quality_from: int | None = Query(
        None, description="items whose quality score is at least this"
    ),
    codified: str | None = Query(
        None, description="items given their catalogue number in this month, YYYY-MM"
    ),
    control: list[str] = Query(
        [],
        description=(
            "export-control list entry by code prefix: 3 (category), 3A (group), 3A001, "
            "or within one list: eu-dual-use:3A (repeatable)"
        ),
    ),
    dual_use: bool = Query(
        False, description="only items covered by an entry of an export-control list"
    ),
    list_kind: str | None = Query(
        None,
        alias="list",
        description="items on a list in force: preferred, or restrictive (not for new designs)",
    ),
    after: str | None = Query(None, description="next_cursor of the previous page"),
    limit: int = Query(50, description="hits per page, 1 to 200"),
    lang: str | None = None,
) -> Any:
    """One box for anything: `5310-57-000-1234`, `570001234`, `0001234`, a reference number in
    any spelling or script, a manufacturer code, or words of item names in any language.

    `interpretation` says how `q` was read; each hit's `matched_by` says which reading found it.
    Paging is by `after=<next_cursor>`; the order is stable.
    """
    language = lang or getattr(request, "LANGUAGE_CODE", None) or "en"
    params = dict(request.GET.lists())
    params.setdefault("lang", [language])
    query = search_query_from_params(params)
    return search(query, lang=language, reader=request.auth).to_dict()
