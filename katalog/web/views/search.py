"""The search page: the one box, facets, results with keyset paging; the URL holds the query.

The box takes at most Q_MAX characters (docs/limits.md). A longer query is sent by POST (the
page's script switches the form when the text is long, so no address is too long for the
server), and a pasted list of part numbers is offered to the parts-list screening instead of
being searched as one text."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from katalog.core.errors import FieldError, KatalogError, ValidationFailed
from katalog.search.selectors import PARAM_FIELDS, SearchQuery, search, search_query_from_params
from katalog.web.views.screening import pasted_list

Q_MAX = 10_000
# Longer texts go by POST: a search address stays well under the server's 4 KB request line.
POST_WHEN_LONGER = 1_500

FACET_TITLES = {
    "group": _("Supply group"),
    "class": _("Supply class"),
    "name": _("Item name"),
    "status": _("Status"),
    "bureau": _("Assigning bureau"),
    "country": _("Manufacturer country"),
    "user": _("Registered user"),
}
MATCHED_BY = {
    "catalogue_number": _("catalogue number"),
    "serial": _("serial number"),
    "reference": _("reference number"),
    "reference_transliterated": _("reference number, other script"),
    "manufacturer_code": _("manufacturer code"),
    "reference_prefix": _("start of a reference number"),
    "reference_fuzzy": _("similar reference number"),
    "text": _("words of the name"),
    "all": _("filters"),
}
SORT_COLUMNS = [("number", _("Catalogue number")), ("class", _("Class")), ("status", _("Status"))]
EXPORT_URL = "/api/v1/export/items"


def _url(query: SearchQuery, **changes: Any) -> str:
    pairs = [
        (k, v) for k, v in query.to_params(after=changes.pop("after", None)) if k not in changes
    ]
    for key, value in changes.items():
        if value:
            pairs.append((key, value))
    return "?" + urlencode(pairs)


def _facet_groups(
    query: SearchQuery, facets: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    groups = []
    for name, title in FACET_TITLES.items():
        chosen = set(getattr(query, PARAM_FIELDS[name]))
        values = [{**v, "checked": str(v["value"]) in chosen} for v in facets.get(name, [])]
        shown = {str(v["value"]) for v in values}
        values += [
            {"value": c, "label": "", "count": 0, "checked": True} for c in sorted(chosen - shown)
        ]
        if values:
            groups.append({"name": name, "title": title, "values": values})
    return groups


def _sort_links(query: SearchQuery) -> list[dict[str, Any]]:
    links = []
    for key, label in SORT_COLUMNS:
        ascending = query.sort == key
        descending = query.sort == f"-{key}"
        target = f"-{key}" if ascending else key
        links.append(
            {
                "label": label,
                "url": _url(query, sort=target),
                "aria_sort": "ascending" if ascending else "descending" if descending else "none",
            }
        )
    return links


def check_query_length(q: str) -> None:
    if len(q) > Q_MAX:
        message = gettext("At most %(max)d characters are kept here; this text has %(length)d") % {
            "max": Q_MAX,
            "length": len(q),
        }
        raise ValidationFailed(
            message,
            code="TEXT_TOO_LONG",
            errors=[FieldError("q", "TEXT_TOO_LONG", message)],
            data={"field": "q", "max": Q_MAX, "length": len(q)},
        )


# Searching changes nothing, so a search sent by POST needs no CSRF token (the form is shared by
# people who have no session yet).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def search_page(request: HttpRequest) -> HttpResponse:
    lang = get_language() or "en"
    params = dict((request.POST if request.method == "POST" else request.GET).lists())
    params.pop("csrfmiddlewaretoken", None)
    params.setdefault("lang", [lang])
    q = " ".join(params.get("q", [])).strip()
    listed = pasted_list(q)
    context: dict[str, Any] = {
        "query": SearchQuery(q=q),
        "page": None,
        "error": None,
        "chars": [*params.get("char", []), ""],  # shown again, so a wrong condition can be fixed
        "pasted": "\n".join(listed),
        "pasted_count": len(listed),
        "post_when_longer": POST_WHEN_LONGER,
        "q_max": Q_MAX,
    }
    if listed:  # a list searched as one text finds nothing: the page offers the screening
        return render(request, "web/search.html", context)
    try:
        check_query_length(q)
        query = search_query_from_params(params)
        context["query"] = query
        page = search(query, lang=lang, reader=request.user)
    except KatalogError as exc:
        context["error"] = exc
        return render(request, "web/search.html", context, status=exc.status)
    for hit in page.hits:
        hit["matched_by_label"] = MATCHED_BY.get(hit["matched_by"], hit["matched_by"])
    readings = page.interpretation.get("readings", [])
    context["readings"] = [str(MATCHED_BY.get(r, r)) for r in dict.fromkeys(readings)]
    context.update(
        page=page,
        facet_groups=_facet_groups(query, page.facets),
        sort_links=_sort_links(query),
        relevance_url=_url(query, sort=""),
        next_url=_url(query, after=page.next_cursor) if page.next_cursor else None,
        export_url=EXPORT_URL + "?" + urlencode([("format", "csv"), *query.to_params()]),
        chars=[*query.chars, ""],
    )
    return render(request, "web/search.html", context)
