"""Catalogue pages: the lookup box and the item page, over the same selectors as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from katalog.accounts.selectors import bureau_names
from katalog.catalog import selectors
from katalog.catalog.selectors import item_detail, item_get, item_lookup
from katalog.core.errors import KatalogError, NotFound, PermissionDenied
from katalog.quality.selectors import item_quality
from katalog.web import display, prefs
from katalog.web.errors import shows_refusals
from katalog.web.views.dashboard import home_dashboard


def home(request: HttpRequest) -> HttpResponse:
    """The search box: a number opens its item (several are listed); anything the lookup does
    not know, a word above all, goes on to the search results. Without a query the page shows
    the catalogue at a glance."""
    query = request.GET.get("q", "").strip()
    context: dict = {"query": query, "results": [], "error": None}
    if query:
        try:
            details = item_lookup(query, prefs.language(), reader=request.user)
        except NotFound:
            return redirect(f"{reverse('web:search')}?{urlencode({'q': query})}")
        except KatalogError as exc:
            context["error"] = exc
            return render(request, "web/home.html", context, status=exc.status)
        if len(details) == 1:
            return redirect("web:item-detail", number=details[0]["catalogue_number"])
        context["results"] = details
    else:
        context["dashboard"] = home_dashboard(request)
    return render(request, "web/home.html", context)


HISTORY_ROWS = 200


def _history(item: Any, reader: Any) -> list[dict[str, Any]]:
    """The item's history, oldest first (the first few hundred), for readers who see it."""
    try:
        return selectors.item_history(item, reader=reader, limit=HISTORY_ROWS)
    except PermissionDenied:
        return []


@shows_refusals
def item_detail_page(request: HttpRequest, number: str) -> HttpResponse:
    prefs.remember_query_choices(request)
    item = item_get(number, reader=request.user)
    language = prefs.language()
    detail = item_detail(item, language, reader=request.user)
    system = prefs.unit_system(request)
    # The multilingual dicts, so the page can mark names shown in a fallback language.
    names = {v.characteristic.code: v.characteristic.names for v in item.characteristics.all()}
    makers = {r.manufacturer.code: r.manufacturer.names for r in item.references.all()}
    for value in detail["characteristics"]:
        value["shown"] = display.characteristic_text(value, system=system, locale=language)
        value["names"] = names.get(value["code"], {})
    for reference in detail["references"]:
        reference["manufacturer"]["names"] = makers.get(reference["manufacturer"]["code"], {})
    bureaus = bureau_names()
    for registration in detail["registrations"]:  # dates, so the page writes them its way
        registration["bureau_names"] = bureaus.get(registration["bureau"], {})
        for name in ("effective_from", "effective_to"):
            if registration[name]:
                registration[name] = dt.date.fromisoformat(registration[name])
    context = {
        "item": detail,
        "record": item,
        "expert": prefs.is_expert(request),
        "unit_system": system,
        "history": _history(item, request.user),
        "quality": None if detail["restricted"] else item_quality(item.pk),
    }
    return render(request, "web/item_detail.html", context)
