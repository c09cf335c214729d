"""Reference pages: manufacturers, the supply classification and the item name dictionary.

Read-only; lists are keyset-paginated (`?after=<last key>`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from katalog.catalog import manufacturer_selectors as manufacturers
from katalog.classifiers.selectors import manufacturer_activity_list
from katalog.names import selectors as names
from katalog.refdata import selectors as refdata
from katalog.web import prefs
from katalog.web.errors import shows_refusals


@shows_refusals
def manufacturer_list(request: HttpRequest) -> HttpResponse:
    prefix = request.GET.get("prefix", "").strip()
    page = manufacturers.manufacturer_list(
        reader=request.user, q=prefix, after=request.GET.get("after") or None
    )
    return render(request, "web/manufacturer_list.html", {"page": page, "prefix": prefix})


@shows_refusals
def manufacturer_detail(request: HttpRequest, code: str) -> HttpResponse:
    manufacturer = manufacturers.manufacturer_get(code, reader=request.user)
    context = {
        "manufacturer": manufacturer,
        "activities": manufacturer_activity_list(manufacturer_id=manufacturer.pk),
        "items": manufacturers.manufacturer_items(
            manufacturer, reader=request.user, after=request.GET.get("after") or None
        ),
        "history": manufacturers.manufacturer_history(manufacturer, reader=request.user).rows,
        "expert": prefs.is_expert(request),
    }
    return render(request, "web/manufacturer_detail.html", context)


def classification(request: HttpRequest) -> HttpResponse:
    return render(request, "web/classification.html", {"groups": refdata.supply_group_list()})


@shows_refusals
def classification_group(request: HttpRequest, code: str) -> HttpResponse:
    group = refdata.supply_group_get(code)
    return render(
        request,
        "web/classification_group.html",
        {"group": group, "classes": refdata.supply_class_list(group=code)},
    )


@shows_refusals
def classification_class(request: HttpRequest, code: str) -> HttpResponse:
    supply_class = refdata.supply_class_get(code)
    context = {
        "supply_class": supply_class,
        "group": refdata.supply_group_get(supply_class.group_code),
        "names": names.class_item_names(code, after=request.GET.get("after") or None),
    }
    return render(request, "web/classification_class.html", context)


def item_name_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = names.item_name_list(q=q, after=request.GET.get("after") or None)
    return render(request, "web/item_name_list.html", {"page": page, "q": q})


@shows_refusals
def item_name_detail(request: HttpRequest, code: str) -> HttpResponse:
    item_name = names.item_name_get(code)
    characteristics = list(item_name.guide.characteristics.all()) if item_name.guide else []
    class_codes = names.item_name_class_codes(item_name)
    context = {
        "item_name": item_name,
        "characteristics": characteristics,
        "class_codes": class_codes,
        "class_titles": refdata.supply_class_titles(class_codes),
        "expert": prefs.is_expert(request),
    }
    return render(request, "web/item_name_detail.html", context)
