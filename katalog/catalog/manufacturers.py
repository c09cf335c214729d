"""Changes of a manufacturer record (creation is `services.manufacturer_create`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from katalog.catalog import services
from katalog.catalog.authority import actor_bureau, bypasses_authority
from katalog.catalog.models import Manufacturer
from katalog.core.errors import FieldError, PermissionDenied, PreconditionFailed, ValidationFailed
from katalog.refdata.models import CodeValue


def require_manufacturer_authority(actor: Any, manufacturer: Manufacturer) -> None:
    """A manufacturer is maintained by the bureau of its country."""
    if bypasses_authority(actor):
        return
    if actor_bureau(actor).pk != manufacturer.bureau_id:
        raise PermissionDenied(
            _("Only bureau %(bureau)s maintains manufacturer %(code)s")
            % {"bureau": manufacturer.bureau.key, "code": manufacturer.code},
            code="NOT_MANUFACTURER_BUREAU",
        )


def require_country_bureau(actor: Any, country: str) -> None:
    """A new manufacturer is registered by the bureau of its country."""
    if bypasses_authority(actor):
        return
    bureau = services.bureau_for_country(country)
    if actor_bureau(actor).pk != bureau.pk:
        raise PermissionDenied(
            _("Only bureau %(bureau)s registers manufacturers of %(country)s")
            % {"bureau": bureau.key, "country": country},
            code="NOT_MANUFACTURER_BUREAU",
        )


def _other_manufacturer(code: str | None, field: str, own: Manufacturer) -> Manufacturer | None:
    if not code:
        return None
    other = Manufacturer.objects.filter(code=code.strip().upper()).first()
    if other is None or other.pk == own.pk:
        raise ValidationFailed(
            _("Manufacturer code %(code)s is unknown or the manufacturer itself") % {"code": code},
            code="UNKNOWN_MANUFACTURER",
            errors=[FieldError(field, "UNKNOWN_MANUFACTURER", _("unknown manufacturer code"))],
        )
    return other


@transaction.atomic
def manufacturer_update(
    *,
    actor: Any,
    manufacturer: Manufacturer,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> Manufacturer:
    """Change names, address, status, parent or replacement of a manufacturer (not its code or
    country, which decide its bureau)."""
    manufacturer = (
        Manufacturer.objects.select_for_update(of=("self",))
        .select_related("bureau")
        .get(pk=manufacturer.pk)
    )
    if expected_version is not None and expected_version != manufacturer.row_version:
        raise PreconditionFailed(
            _("Manufacturer %(code)s has changed since you read it") % {"code": manufacturer.code},
            code="VERSION_STALE",
            data={"current_version": manufacturer.row_version},
        )
    require_manufacturer_authority(actor, manufacturer)
    if "names" in changes:
        manufacturer.names = {k: v for k, v in changes["names"].items() if v}
    if "address" in changes:
        manufacturer.address = changes["address"]
    if "status" in changes:
        known = CodeValue.objects.filter(table_id="MANUFACTURER_STATUS", code=changes["status"])
        if not known.exists():
            raise ValidationFailed(
                _("Unknown manufacturer status %(status)r") % {"status": changes["status"]},
                code="INVALID_MANUFACTURER_STATUS",
                errors=[FieldError("status", "INVALID_MANUFACTURER_STATUS", _("unknown status"))],
            )
        manufacturer.status = changes["status"]
    if "parent" in changes:
        manufacturer.parent = _other_manufacturer(changes["parent"], "parent", manufacturer)
    if "replaced_by" in changes:
        manufacturer.replaced_by = _other_manufacturer(
            changes["replaced_by"], "replaced_by", manufacturer
        )
    manufacturer.search_text = services.manufacturer_search_text(
        manufacturer.code, manufacturer.names
    )
    manufacturer.row_version += 1
    manufacturer.save()
    return manufacturer
