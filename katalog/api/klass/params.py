"""Query parameters of the Klass API, read and checked as Klass does (its api-guide and
`ClassificationController`): dates `yyyy-mm-dd`, `to` exclusive, `selectCodes` patterns and
ranges, `presentationNamePattern`, `csvSeparator`, `csvFields`, `language`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest

from katalog.core.errors import FieldError, KatalogError


class KlassErrorCode(StrEnum):
    PARAMETER_MISSING = "KLASS_PARAMETER_MISSING"
    PARAMETER_INVALID = "KLASS_PARAMETER_INVALID"
    LANGUAGE_UNKNOWN = "KLASS_LANGUAGE_UNKNOWN"
    SELECT_CODES_INVALID = "KLASS_SELECT_CODES_INVALID"
    CSV_FIELDS_INVALID = "KLASS_CSV_FIELDS_INVALID"
    CSV_SEPARATOR_INVALID = "KLASS_CSV_SEPARATOR_INVALID"


class BadRequest(KatalogError):
    """Klass answers a malformed request with 400 Bad Request."""

    status = 400
    exit_code = 4
    default_code = KlassErrorCode.PARAMETER_INVALID
    title = "Bad request"


def bad(param: str, message: str, code: str = KlassErrorCode.PARAMETER_INVALID) -> BadRequest:
    return BadRequest(f"{param}: {message}", code=code, errors=[FieldError(param, code, message)])


def required(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name)
    if value is None or value == "":
        raise bad(name, "is required", KlassErrorCode.PARAMETER_MISSING)
    return value


def date_param(request: HttpRequest, name: str) -> dt.date:
    value = date_optional(request, name)
    if value is None:
        raise bad(name, "is required (yyyy-mm-dd)", KlassErrorCode.PARAMETER_MISSING)
    return value


def date_optional(request: HttpRequest, name: str) -> dt.date | None:
    value = request.GET.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise bad(name, f"{value!r} is not a date (yyyy-mm-dd)") from None


def int_param(request: HttpRequest, name: str, *, default: int | None = None) -> int | None:
    value = request.GET.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise bad(name, f"{value!r} is not a whole number")
    return int(value)


def bool_param(request: HttpRequest, name: str) -> bool:
    value = request.GET.get(name, "false").lower()
    if value not in ("true", "false"):
        raise bad(name, f"{value!r} is not true or false")
    return value == "true"


# Norwegian is Klass's default; katalog has no Norwegian titles, so nb and nn read as the
# server's default language and its fallbacks.
NORWEGIAN = {"nb", "nn"}


def known_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES} | NORWEGIAN | {"en", "ar"}


def language_param(request: HttpRequest) -> str:
    """The data language asked for: Klass's nb, nn, en and every language katalog has."""
    value = (request.GET.get("language") or "nb").lower()
    if value not in known_languages():
        known = ", ".join(sorted(known_languages()))
        raise bad(
            "language",
            f"{value!r} is not supported; use one of {known}",
            KlassErrorCode.LANGUAGE_UNKNOWN,
        )
    return settings.LANGUAGE_CODE if value in NORWEGIAN else value


def separator_param(request: HttpRequest) -> str:
    value = request.GET.get("csvSeparator", ",")
    if len(value) != 1:
        raise bad(
            "csvSeparator", "must be a single character", KlassErrorCode.CSV_SEPARATOR_INVALID
        )
    return value


def csv_fields_param(request: HttpRequest, allowed: list[str]) -> list[str] | None:
    value = request.GET.get("csvFields", "")
    if not value:
        return None
    fields = value.split(",")
    unknown = [f for f in fields if f not in allowed]
    if unknown:
        raise bad(
            "csvFields",
            f"the list does not contain the following field(s): {','.join(unknown)}",
            KlassErrorCode.CSV_FIELDS_INVALID,
        )
    return fields


# --- selectCodes ----------------------------------------------------------------------------

MAX_SELECT_CODES_LENGTH = 200
MAX_SELECT_CODES = 20
LEGAL_CHARS = re.compile(r"^[0-9a-zA-Z,.\-*\s]+$")
SINGLE_CODE = re.compile(r"^[0-9a-zA-Z.]+$")
DIGITS_OR_STARS = re.compile(r"^[0-9*]+$")


@dataclass
class CodeSelection:
    """Codes chosen by `selectCodes`: exact codes, prefixes (`11*`) and ranges (`3004-3400`,
    `3004-34*`), compared as Klass does (as text, the upper end of a range inclusive).

    A code matches with or without its dots, so `4661`, `46.61` and `466*` all find NACE's
    46.61: Klass clients accept digits only in `selectCodes`."""

    exact: set[str]
    prefixes: list[str]
    ranges: list[tuple[str, str]]

    def matches(self, code: str) -> bool:
        return any(self._matches(form) for form in {code, code.replace(".", "")})

    def _matches(self, code: str) -> bool:
        if code in self.exact or any(code.startswith(p) for p in self.prefixes):
            return True
        return any(low <= code < high for low, high in self.ranges)


def select_codes_param(request: HttpRequest) -> CodeSelection | None:
    value = request.GET.get("selectCodes", "")
    if not value.strip():
        return None
    if len(value) > MAX_SELECT_CODES_LENGTH:
        raise bad("selectCodes", "is too long", KlassErrorCode.SELECT_CODES_INVALID)
    if not LEGAL_CHARS.match(value):
        raise bad("selectCodes", "contains illegal characters", KlassErrorCode.SELECT_CODES_INVALID)
    parts = [p.strip() for p in value.split(",")]
    if len(parts) > MAX_SELECT_CODES:
        raise bad("selectCodes", "has too many codes", KlassErrorCode.SELECT_CODES_INVALID)
    selection = CodeSelection(set(), [], [])
    for part in filter(None, parts):
        if "-" in part:
            _add_range(part, selection)
        elif part.endswith("*"):
            prefix = part[:-1]
            if prefix and SINGLE_CODE.match(prefix):
                selection.prefixes.append(prefix)
        elif SINGLE_CODE.match(part):
            selection.exact.add(part)
    return selection


def _add_range(part: str, selection: CodeSelection) -> None:
    left, _, right = (p.strip() for p in part.partition("-"))
    if not (left and right and DIGITS_OR_STARS.match(left) and DIGITS_OR_STARS.match(right)):
        return
    low = left.replace("*", "")
    high = _exclusive_upper(right)
    if low and high and low < high:
        selection.ranges.append((low, high))


def _exclusive_upper(right: str) -> str | None:
    if not right.endswith("*"):
        return right + "\uffff" if SINGLE_CODE.match(right) else None
    digits = right[:-1]
    if not SINGLE_CODE.match(digits):
        return None
    chars = list(digits)
    for i in range(len(chars) - 1, -1, -1):
        if chars[i] != "9":
            chars[i] = chr(ord(chars[i]) + 1)
            return "".join(chars[: i + 1])
    return "1" + "0" * len(digits)


# --- presentationNamePattern ----------------------------------------------------------------


def presentation_name(pattern: str | None, code: str, name: str, short_name: str = "") -> str:
    """Klass's alternative presentation name: `{code} - {uppercase(name)}` and the like."""
    if not pattern:
        return ""
    out = pattern
    for key, value in (
        ("code", code),
        ("name", name),
        ("shortname", short_name),
        ("shortName", short_name),
    ):
        out = (
            out.replace("{" + key + "}", value)
            .replace("{lowercase(" + key + ")}", value.lower())
            .replace("{uppercase(" + key + ")}", value.upper())
            .replace("{capitalize(" + key + ")}", value[:1].upper() + value[1:])
        )
    return out
