"""Pages of preferred items and restrictive lists: the lists, and one list with its entries
(keyset-paginated, `?after=`; the items the reader sees in full), with a small form that puts
an item on the list for a cataloguer of the bureau that keeps it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from katalog.catalog import list_selectors, selectors, services
from katalog.catalog.models import ItemListKind
from katalog.core.errors import FieldError, ValidationFailed
from katalog.web.errors import WebErrorCode, shows_refusals
from katalog.web.forms import ItemListEntryForm
from katalog.web.requests import SignedInRequest


@shows_refusals
def item_list_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    after = request.GET.get("after", "")
    page = list_selectors.item_list_list(
        reader=request.user,
        kind=kind if kind in ItemListKind.values else None,
        after=int(after) if after.isdigit() else None,
    )
    today = list_selectors.today()
    rows = [
        {"list": item_list, "in_force": list_selectors.is_in_force(item_list, today)}
        for item_list in page.rows
    ]
    context = {"page": page, "rows": rows, "kind": kind, "kinds": ItemListKind.choices}
    return render(request, "web/item_list_list.html", context)


@shows_refusals
def item_list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    item_list = list_selectors.item_list_get(list_id, reader=request.user)
    form = ItemListEntryForm()
    context = {
        "item_list": item_list,
        "in_force": list_selectors.is_in_force(item_list),
        "page": list_selectors.item_list_entries(
            item_list, reader=request.user, after=request.GET.get("after") or None
        ),
        "count": list_selectors.item_list_entry_count(item_list, reader=request.user),
        "form": form if services.may_change_list(request.user, item_list) else None,
    }
    return render(request, "web/item_list_detail.html", context)


@login_required
@require_POST
@shows_refusals
def item_list_entry_add(request: SignedInRequest, list_id: int) -> HttpResponse:
    item_list = list_selectors.item_list_get(list_id, reader=request.user)
    form = ItemListEntryForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(
            _("The form is not complete"),
            code=WebErrorCode.INVALID,
            errors=[
                FieldError(name, WebErrorCode.INVALID, " ".join(str(e) for e in errs))
                for name, errs in form.errors.items()
            ],
        )
    item = selectors.item_get(form.cleaned_data["item"], reader=request.user)
    services.item_list_entry_add(
        actor=request.user, item_list=item_list, item=item, note=form.cleaned_data["note"]
    )
    messages.success(request, _("%(item)s is on the list now.") % {"item": item.catalogue_number})
    return redirect("web:item-list-detail", list_id=item_list.pk)
