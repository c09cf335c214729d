"""Typed replies to guide characteristics: parse what a user or a file gives into stored fields."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from katalog.core import units
from katalog.core.errors import FieldError, ValidationFailed
from katalog.names.errors import NamesErrorCode as E
from katalog.names.models import Characteristic, ReplyCode, ReplyType

QUALIFIERS = {"nom": "NOM", "nominal": "NOM", "min": "MIN", "max": "MAX", "≥": "MIN", "≤": "MAX"}
YES = {"y", "yes", "true", "1", "да", "д", "иә", "ооба", "այո", "так", "ҳа", "ha"}
NO = {"n", "no", "false", "0", "нет", "н", "жоқ", "жок", "ոչ", "не", "yo'q", "yoʻq"}


def _field_error(characteristic: Characteristic, exc: ValidationFailed) -> ValidationFailed:
    message = f"{characteristic.code}: {exc.message}"
    return ValidationFailed(
        message, code=exc.code, errors=[FieldError(characteristic.code, exc.code, exc.message)]
    )


def _split_qualifier(raw: str) -> tuple[str, str]:
    head, _sep, rest = raw.strip().partition(" ")
    qualifier = QUALIFIERS.get(head.lower().rstrip(":"))
    return (qualifier, rest) if qualifier and rest else ("", raw.strip())


@lru_cache(maxsize=256)
def _reply_codes(table_id: int) -> dict[str, str]:
    """Code → code, plus every meaning (folded) → code, for one reply table."""
    lookup: dict[str, str] = {}
    for code, meanings in ReplyCode.objects.filter(table_id=table_id).values_list(
        "code", "meanings"
    ):
        lookup[code.upper()] = code
        for meaning in meanings.values():
            lookup[meaning.strip().upper()] = code
    return lookup


def _parse_coded(characteristic: Characteristic, raw: str) -> dict[str, Any]:
    code = _reply_codes(characteristic.reply_table_id).get(raw.strip().upper())
    if code is None:
        raise ValidationFailed(
            _("%(value)r is not a code of reply table %(table)s")
            % {"value": raw, "table": getattr(characteristic.reply_table, "code", "")},
            code=E.REPLY_CODE_UNKNOWN,
        )
    return {"code": code}


def _parse_numeric(characteristic: Characteristic, raw: str, locale: str) -> dict[str, Any]:
    qualifier, text = _split_qualifier(raw)
    q = units.parse_quantity(
        text,
        canonical_unit=characteristic.canonical_unit,
        default_unit=characteristic.default_unit or None,
        locale=locale,
        min_value=characteristic.min_value,
        max_value=characteristic.max_value,
    )
    return {"qualifier": qualifier or "NOM", "unit_code": q.unit_code, "value": q.value}


def _parse_range(characteristic: Characteristic, raw: str, locale: str) -> dict[str, Any]:
    low, high = units.parse_range(
        raw,
        canonical_unit=characteristic.canonical_unit,
        default_unit=characteristic.default_unit or None,
        locale=locale,
        min_value=characteristic.min_value,
        max_value=characteristic.max_value,
    )
    return {"unit_code": high.unit_code, "value": low.value, "value_max": high.value}


def _parse_boolean(raw: str) -> dict[str, Any]:
    folded = raw.strip().lower()
    if folded in YES:
        return {"flag": True}
    if folded in NO:
        return {"flag": False}
    raise ValidationFailed(
        _("%(value)r is not yes or no") % {"value": raw}, code=E.REPLY_NOT_BOOLEAN
    )


def parse_reply(characteristic: Characteristic, raw: str, *, locale: str = "en") -> dict[str, Any]:
    """Return the CharacteristicValue fields for a raw reply, or raise ValidationFailed."""
    raw = raw.strip()
    if not raw:
        raise _field_error(
            characteristic, ValidationFailed(_("the reply is empty"), code=E.REPLY_EMPTY)
        )
    fields: dict[str, Any] = {
        "raw": raw[:200], "qualifier": "", "unit_code": "", "value": None, "value_max": None,
        "code": "", "text": "", "flag": None,
    }  # fmt: skip
    try:
        if characteristic.reply_type == ReplyType.CODED:
            fields.update(_parse_coded(characteristic, raw))
        elif characteristic.reply_type == ReplyType.NUMERIC:
            fields.update(_parse_numeric(characteristic, raw, locale))
        elif characteristic.reply_type == ReplyType.RANGE:
            fields.update(_parse_range(characteristic, raw, locale))
        elif characteristic.reply_type == ReplyType.BOOLEAN:
            fields.update(_parse_boolean(raw))
        else:
            fields["text"] = raw[:200]
    except ValidationFailed as exc:
        raise _field_error(characteristic, exc) from None
    return fields


def forget_reply_codes() -> None:
    """Reply tables changed (received from the centre): read them again."""
    _reply_codes.cache_clear()
