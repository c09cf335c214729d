"""Catalogue pages: the lookup box and the item page, over the same selectors as the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from katalog.catalog.selectors import item_detail, item_get, item_lookup
from katalog.core.errors import KatalogError


def home(request: HttpRequest) -> HttpResponse:
    """The lookup box: one match opens the item, several are listed, none is explained."""
    query = request.GET.get("q", "").strip()
    context: dict = {"query": query, "results": [], "error": None}
    if query:
        try:
            items = item_lookup(query)
        except KatalogError as exc:
            context["error"] = exc
            return render(request, "web/home.html", context, status=exc.status)
        if len(items) == 1:
            return redirect("web:item-detail", number=items[0].catalogue_number)
        context["results"] = [item_detail(item, get_language()) for item in items]
    return render(request, "web/home.html", context)


def item_detail_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        item = item_get(number)
    except KatalogError as exc:
        return render(request, "web/home.html", {"query": number, "error": exc}, status=exc.status)
    return render(request, "web/item_detail.html", {"item": item_detail(item, get_language())})
