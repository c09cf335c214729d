"""The lines of a draft request, each a proposed item: adding and changing them, with their
references and characteristic replies checked as they are written (all the errors of the
replies reported together)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from katalog.audit.services import audit_record
from katalog.catalog import services as catalog
from katalog.catalog.manufacturer_selectors import manufacturer_for_field
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import CodificationRequest, RequestLine, RequestState
from katalog.codification.services.checks import (
    LOCALE_MAX,
    NAME_TEXT_MAX,
    REPLY_MAX,
    limit_error,
    limited,
)
from katalog.codification.services.requests import (
    bump,
    request_lock,
    touch_request,
)
from katalog.codification.services.rights import require_same_bureau
from katalog.core.actors import Actor
from katalog.core.errors import Conflict, FieldError, ValidationFailed


def line_lock(line: RequestLine, expected_version: int | None) -> RequestLine:
    locked = (
        RequestLine.objects.select_for_update()
        .select_related("request__bureau", "item_name")
        .get(pk=line.pk)
    )
    catalog.check_version(locked.row_version, expected_version)
    return locked


def require_draft(request: CodificationRequest) -> None:
    if request.state != RequestState.DRAFT:
        raise Conflict(
            _("Lines can be changed only while the request is a draft"), code=E.REQUEST_NOT_DRAFT
        )


def line_audit(actor: Actor, line: RequestLine, action: str, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="request",
        object_key=str(line.request_id),
        changes={"line": line.position, **changes},
    )


def clean_references(references: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = []
    for index, ref in enumerate(references):
        field = f"references[{index}]"
        number = catalog.checks.reference_number(str(ref.get("number", "")))
        maker = manufacturer_for_field(
            str(ref.get("manufacturer_code", "")), f"{field}.manufacturer_code"
        )
        cleaned.append({
            "number": number,
            "manufacturer_code": maker.code,
            "category": str(ref.get("category") or "3"),
            "variation": str(ref.get("variation") or "2"),
        })  # fmt: skip
    return cleaned


def clean_characteristics(
    item_name_code: str, replies: Mapping[str, str], locale: str
) -> dict[str, str]:
    """Check every reply against the item name's guide; all errors are reported together."""
    from katalog.names.values import parse_reply

    if not replies:
        return {}
    guide = catalog.item_name_get(item_name_code).guide
    by_code = {c.code: c for c in guide.characteristics.all()} if guide else {}
    errors: list[FieldError] = []
    cleaned: dict[str, str] = {}
    for code, raw in replies.items():
        if len(str(raw)) > REPLY_MAX:
            errors.append(limit_error(f"characteristics.{code}", str(raw), REPLY_MAX))
            continue
        characteristic = by_code.get(code)
        if characteristic is None:
            errors.append(
                FieldError(
                    f"characteristics.{code}", E.UNKNOWN_CHARACTERISTIC, _("not in the guide")
                )
            )
            continue
        try:
            parse_reply(characteristic, str(raw), locale=locale)
        except ValidationFailed as exc:
            errors.append(FieldError(f"characteristics.{code}", exc.code, exc.message))
            continue
        cleaned[code] = str(raw).strip()
    if errors:
        raise ValidationFailed(
            _("Some characteristic replies are not valid"),
            code=E.INVALID_CHARACTERISTICS,
            errors=errors,
        )
    return cleaned


def line_fields(
    *,
    item_name_code: str,
    supply_class: str,
    name_text: str,
    references: Iterable[Mapping[str, Any]],
    characteristics: Mapping[str, str] | None,
    locale: str,
) -> dict[str, Any]:
    catalog.check_supply_class(supply_class)
    item_name = catalog.item_name_get(item_name_code)
    return {
        "item_name": item_name,
        "supply_class": supply_class,
        "name_text": limited("name_text", name_text.strip(), NAME_TEXT_MAX),
        "references": clean_references(references),
        "characteristics": clean_characteristics(item_name_code, characteristics or {}, locale),
        "locale": limited("locale", locale, LOCALE_MAX),
    }


@transaction.atomic
def request_line_add(
    *,
    actor: Actor,
    request: CodificationRequest,
    item_name_code: str,
    supply_class: str,
    name_text: str = "",
    references: Iterable[Mapping[str, Any]] = (),
    characteristics: Mapping[str, str] | None = None,
    locale: str = "en",
    expected_version: int | None = None,
) -> RequestLine:
    """Add a proposed item to a draft request (the request's version moves on)."""
    require_same_bureau(actor, request)
    request = request_lock(request, expected_version)
    require_draft(request)
    fields = line_fields(
        item_name_code=item_name_code,
        supply_class=supply_class,
        name_text=name_text,
        references=references,
        characteristics=characteristics,
        locale=locale,
    )
    position = (
        request.lines.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    line = RequestLine.objects.create(request=request, position=position, **fields)
    bump(request)
    line_audit(actor, line, "request_line_added")
    return line


@transaction.atomic
def request_line_update(
    *,
    actor: Actor,
    line: RequestLine,
    item_name_code: str | None = None,
    supply_class: str | None = None,
    name_text: str | None = None,
    references: Iterable[Mapping[str, Any]] | None = None,
    characteristics: Mapping[str, str] | None = None,
    locale: str | None = None,
    expected_version: int | None = None,
) -> RequestLine:
    """Change a line of a draft request; omitted arguments keep their values."""
    require_same_bureau(actor, line.request)
    line = line_lock(line, expected_version)
    require_draft(line.request)
    fields = line_fields(
        item_name_code=item_name_code if item_name_code is not None else line.item_name.code,
        supply_class=supply_class if supply_class is not None else line.supply_class,
        name_text=name_text if name_text is not None else line.name_text,
        references=references if references is not None else line.references,
        characteristics=characteristics if characteristics is not None else line.characteristics,
        locale=locale or line.locale,
    )
    for name, value in fields.items():
        setattr(line, name, value)
    bump(line, *fields)
    touch_request(line.request)
    line_audit(actor, line, "request_line_changed", fields=sorted(fields))
    return line
