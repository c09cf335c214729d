"""Manufacturers (organisations with a 5-character code). A manufacturer is registered and
maintained by the bureau of its country; its code and country never change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.audit.services import audit_record
from katalog.catalog.authority import actor_bureau, bypasses_authority
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.manufacturer_selectors import manufacturer_by_code
from katalog.catalog.models import Manufacturer
from katalog.catalog.services import checks
from katalog.catalog.services.history import check_version
from katalog.core.actors import Actor
from katalog.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from katalog.core.text import search_terms

MANUFACTURER = "manufacturer"
NAME_MAX = 200
ADDRESS_MAX = 500


def manufacturer_search_text(code: str, names: Mapping[str, str]) -> str:
    return " ".join(sorted({code.lower()} | search_terms(*names.values())))


def bureau_for_country(country: str | None) -> Bureau:
    bureau = Bureau.objects.filter(country_id=country).order_by("kind").first() if country else None
    if bureau is None:
        raise ValidationFailed(
            _("No cataloguing bureau for country %(country)s") % {"country": country or "—"},
            code=E.NO_BUREAU_FOR_COUNTRY,
            errors=[
                FieldError("country", E.NO_BUREAU_FOR_COUNTRY, _("no bureau for this country"))
            ],
        )
    return bureau


def require_manufacturer_bureau(actor: Actor, bureau: Bureau) -> None:
    """Manufacturers of a country are registered and maintained by that country's bureau."""
    if bypasses_authority(actor):
        return
    if actor_bureau(actor).pk != bureau.pk:
        raise PermissionDenied(
            _("Only bureau %(bureau)s registers and maintains manufacturers of its country")
            % {"bureau": bureau.key},
            code=E.NOT_MANUFACTURER_BUREAU,
        )


def check_names(names: Mapping[str, str]) -> dict[str, str]:
    cleaned = {str(k): checks.text_limit("names", str(v), NAME_MAX) for k, v in names.items() if v}
    if not cleaned:
        raise checks.invalid("names", E.NAME_REQUIRED, _("A manufacturer needs a name"))
    return cleaned


def check_status(status: str) -> str:
    from katalog.refdata.models import CodeValue

    if not CodeValue.objects.filter(table_id="MANUFACTURER_STATUS", code=status).exists():
        raise ValidationFailed(
            _("Unknown manufacturer status %(status)r") % {"status": status},
            code=E.INVALID_MANUFACTURER_STATUS,
            errors=[FieldError("status", E.INVALID_MANUFACTURER_STATUS, _("unknown status"))],
        )
    return status


def manufacturer_fields(m: Manufacturer) -> dict[str, Any]:
    return {
        "names": m.names,
        "address": m.address,
        "country": m.country_id,
        "status": m.status,
        "parent": m.parent.code if m.parent else None,
        "replaced_by": m.replaced_by.code if m.replaced_by else None,
    }


@transaction.atomic
def manufacturer_create(
    *,
    actor: Actor,
    code: str,
    names: dict[str, str],
    country: str,
    address: str = "",
    status: str = "A",
    parent: Manufacturer | None = None,
    replaced_by: Manufacturer | None = None,
) -> Manufacturer:
    """Register a manufacturer under its country's bureau, checking the code pattern."""
    bureau = bureau_for_country(country)
    require_manufacturer_bureau(actor, bureau)
    code = checks.manufacturer_code(code, bureau.manufacturer_code_patterns, bureau.key)
    if manufacturer_by_code(code) is not None:
        raise Conflict(
            _("Manufacturer code %(code)s already exists") % {"code": code},
            code=E.MANUFACTURER_EXISTS,
        )
    names = check_names(names)
    manufacturer = Manufacturer.objects.create(
        code=code,
        names=names,
        country_id=country,
        address=checks.text_limit("address", address, ADDRESS_MAX),
        status=check_status(status),
        parent=parent,
        replaced_by=replaced_by,
        bureau=bureau,
        search_text=manufacturer_search_text(code, names),
    )
    audit_record(
        actor=actor,
        action="manufacturer_created",
        object_type=MANUFACTURER,
        object_key=code,
        changes={"after": manufacturer_fields(manufacturer)},
    )
    return manufacturer


def _other_manufacturer(code: str | None, field: str, own: Manufacturer) -> Manufacturer | None:
    if not code:
        return None
    other = manufacturer_by_code(code)
    if other is None or other.pk == own.pk:
        raise ValidationFailed(
            _("Manufacturer code %(code)s is unknown or the manufacturer itself") % {"code": code},
            code=E.UNKNOWN_MANUFACTURER,
            errors=[FieldError(field, E.UNKNOWN_MANUFACTURER, _("unknown manufacturer code"))],
        )
    return other


@transaction.atomic
def manufacturer_update(
    *,
    actor: Actor,
    manufacturer: Manufacturer,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> Manufacturer:
    """Change names, address, status, parent or replacement of a manufacturer (not its code or
    country, which decide its bureau)."""
    manufacturer = (
        Manufacturer.objects.select_for_update(of=("self",))
        .select_related("bureau", "parent", "replaced_by")
        .get(pk=manufacturer.pk)
    )
    check_version(manufacturer.row_version, expected_version, manufacturer.code)
    require_manufacturer_bureau(actor, manufacturer.bureau)
    before = manufacturer_fields(manufacturer)
    if "names" in changes:
        manufacturer.names = check_names(changes["names"])
    if "address" in changes:
        manufacturer.address = checks.text_limit("address", changes["address"] or "", ADDRESS_MAX)
    if "status" in changes:
        manufacturer.status = check_status(changes["status"])
    if "parent" in changes:
        manufacturer.parent = _other_manufacturer(changes["parent"], "parent", manufacturer)
    if "replaced_by" in changes:
        manufacturer.replaced_by = _other_manufacturer(
            changes["replaced_by"], "replaced_by", manufacturer
        )
    after = manufacturer_fields(manufacturer)
    if after == before:
        return manufacturer
    manufacturer.search_text = manufacturer_search_text(manufacturer.code, manufacturer.names)
    manufacturer.row_version += 1
    manufacturer.save()
    changed = [k for k in after if after[k] != before[k]]
    audit_record(
        actor=actor,
        action="manufacturer_changed",
        object_type=MANUFACTURER,
        object_key=manufacturer.code,
        changes={
            "before": {k: before[k] for k in changed},
            "after": {k: after[k] for k in changed},
        },
    )
    return manufacturer
