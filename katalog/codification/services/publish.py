"""Publication: the approved decisions take effect in the catalogue, all in one transaction
(approval is the second person's check, publishing is the one write of the catalogue). A line
that cannot be published leaves the catalogue and the request as they were; `reopen` is the
request's way out."""

from __future__ import annotations

from typing import cast

from django.db import transaction

from katalog.catalog import services as catalog
from katalog.catalog.manufacturer_selectors import manufacturer_for_field
from katalog.catalog.models import Item
from katalog.codification.models import CodificationRequest, LineDecision, RequestLine
from katalog.codification.services.requests import bump
from katalog.codification.services.transitions import begin, finish
from katalog.core.actors import Actor
from katalog.core.errors import KatalogError
from katalog.core.text import code_key

# Reference justification (RNJC) recorded when a new number keeps a reference that screening
# found on another item: "the duplicate is not a technically acceptable replacement".
OVERRIDE_REFERENCE_JUSTIFICATION = "6"


@transaction.atomic
def request_publish(
    *,
    actor: Actor,
    request: CodificationRequest,
    expected_version: int | None = None,
    reason: str = "",
) -> CodificationRequest:
    """Write every decision into the catalogue in one transaction: new numbers with their
    references, characteristics and the requesting bureau's registration, or registrations on
    existing items. Any failure leaves the catalogue and the request as they were."""
    request, target = begin(actor, request, "publish", expected_version)
    results = {}
    for line in request.lines.select_related("item_name", "decision_item").order_by("position"):
        try:
            item = publish_line(actor, request, line)
        except KatalogError as exc:
            # Nothing is written; the request stays approved and `reopen` is its way out.
            exc.data.update(publish_failed=True, line=line.position, way_out="reopen")
            raise
        if item is not None:
            line.result_item = item
            bump(line, "result_item")
            results[line.position] = item.catalogue_number
    return finish(actor, request, "publish", target, reason=reason, data={"items": results})


def publish_line(actor: Actor, request: CodificationRequest, line: RequestLine) -> Item | None:
    if line.decision == LineDecision.REGISTER:
        # `request_line_decide` gives every registration its item.
        item = cast(Item, line.decision_item)
        catalog.registration_add(actor=actor, item=item, bureau=request.bureau)
        return item
    if line.decision == LineDecision.ASSIGN:
        return publish_new_item(actor, request, line)
    return None


def publish_new_item(actor: Actor, request: CodificationRequest, line: RequestLine) -> Item:
    item = catalog.item_create(
        actor=actor,
        bureau=request.bureau,
        supply_class=line.supply_class,
        item_name_code=line.item_name.code,
        name_text=line.name_text,
        identification_type="1" if line.characteristics else "2",
    )
    for ref in line.references:
        maker = manufacturer_for_field(ref["manufacturer_code"], "references")
        overridden = line.justification and catalog.find_reference_conflict(
            item.pk, maker.pk, code_key(ref["number"])
        )
        catalog.reference_add(
            actor=actor,
            item=item,
            manufacturer=maker,
            number=ref["number"],
            bureau=request.bureau,
            category=ref.get("category", "3"),
            variation=ref.get("variation", "2"),
            justification=OVERRIDE_REFERENCE_JUSTIFICATION if overridden else "",
        )
    for code, raw in line.characteristics.items():
        catalog.characteristic_set(actor=actor, item=item, code=code, raw=raw, locale=line.locale)
    catalog.registration_add(actor=actor, item=item, bureau=request.bureau)
    return item
