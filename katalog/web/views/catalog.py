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
from katalog.catalog.interchange_selectors import usable_alternatives
from katalog.catalog.models import ACTIVE_STATUSES
from katalog.catalog.selectors import item_detail, item_get, item_lookup
from katalog.classifiers.selectors import control_entries
from katalog.core.errors import KatalogError, NotFound, PermissionDenied
from katalog.names import selectors as names_selectors
from katalog.nomenclature.selectors import citation_warning, cited_documents
from katalog.quality.selectors import item_quality
from katalog.refdata import selectors as refdata_selectors
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
        return selectors.item_history(item, reader=reader, limit=HISTORY_ROWS).rows
    except PermissionDenied:
        return []


@shows_refusals
def item_detail_page(request: HttpRequest, number: str) -> HttpResponse:
    prefs.remember_query_choices(request)
    item = item_get(number, reader=request.user)
    language = prefs.language()
    detail = item_detail(item, language, reader=request.user)
    expert = prefs.is_expert(request)
    system = prefs.unit_system(request)
    _characteristics_in_words(item, detail, system=system, language=language, expert=expert)
    makers = {r.manufacturer.code: r.manufacturer.names for r in item.references.all()}
    for reference in detail["references"]:
        reference["manufacturer"]["names"] = makers.get(reference["manufacturer"]["code"], {})
    _bureaus_and_prices(detail, language=language)
    # The multilingual title, so the page marks a title shown in a fallback language.
    code = detail["supply_class"]["code"]
    detail["supply_class"]["titles"] = refdata_selectors.supply_class_titles([code]).get(code, {})
    usable = detail["status"]["code"] in ACTIVE_STATUSES
    context = {
        "item": detail,
        "record": item,
        "interchange": _family_in_words(detail.get("interchange")),
        "usable": usable,
        "alternatives": [] if usable else _in_words(usable_alternatives(item, request.user)),
        "expert": expert,
        "unit_system": system,
        "history": _history(item, request.user),
        "quality": None if detail["restricted"] else item_quality(item.pk),
        "documents": _cited_documents(detail["references"]),
        "control_entries": control_entries(niin=item.niin, reader=request.user, language=language),
    }
    return render(request, "web/item_detail.html", context)


def _in_words(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**e, "relation_shown": display.relation_text(e["relation"])} for e in entries]


def _family_in_words(family: dict[str, Any] | None) -> dict[str, Any] | None:
    """The item's family with each relation in words, the master first."""
    if family is None:
        return None
    master = [family["master"]] if family["master"] else []
    return {**family, "rows": _in_words(master + family["members"])}


def _cited_documents(references: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registered documents the item's references cite, each with its warning when it is
    replaced or cancelled."""
    return [
        {"cited": c, "document": c.document, "warning": citation_warning(c.document)}
        for c in cited_documents(references)
    ]


def _characteristics_in_words(
    item: Any, detail: dict, *, system: str, language: str, expert: bool
) -> None:
    """Each value as the reader wants it: in their units, and (outside expert mode) a coded
    reply as its meaning, a qualifier and yes/no as words."""
    # The multilingual dicts, so the page can mark names shown in a fallback language.
    chars = {v.characteristic.code: v.characteristic for v in item.characteristics.all()}
    coded = {
        (chars[v["code"]].reply_table_id, v["reply"])
        for v in detail["characteristics"]
        if v["code"] in chars and chars[v["code"]].reply_table_id and v["reply"]
    }
    meanings = {} if expert else names_selectors.reply_meanings(coded)
    for value in detail["characteristics"]:
        characteristic = chars.get(value["code"])
        shown = display.characteristic_text(value, system=system, locale=language)
        if not expert:
            table = characteristic.reply_table_id if characteristic else None
            found = meanings.get((table, value["reply"])) if table else None
            shown = display.reply_text(shown, meanings=found, locale=language)
        value["shown"] = shown
        value["qualifier_shown"] = display.qualifier_text(value["qualifier"], expert=expert)
        value["names"] = characteristic.names if characteristic else {}


def _bureaus_and_prices(detail: dict, *, language: str) -> None:
    """Bureaus by their names, dates as dates, prices written the reader's way."""
    bureaus = bureau_names()
    detail["bureau"]["names"] = bureaus.get(detail["bureau"]["key"], {})
    for registration in detail["registrations"]:  # dates, so the page writes them its way
        registration["bureau_names"] = bureaus.get(registration["bureau"], {})
        for name in ("effective_from", "effective_to"):
            if registration[name]:
                registration[name] = dt.date.fromisoformat(registration[name])
    currencies = refdata_selectors.currency_names() if detail["management"] else {}
    for row in detail["management"]:
        row["bureau_names"] = bureaus.get(row["bureau"], {})
        row["price_shown"] = display.price_text(row["price"], locale=language)
        row["currency_names"] = currencies.get(row["currency"] or "", {})
