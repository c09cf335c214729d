"""The rules a catalogue value must meet before it is written, shared by the single writes and
the bulk imports.

Each rule is a pure function over the value and the codes it may take (`CodeTables`). Single
writes read those codes from the database for the one value they check; an import reads each
table once and checks every row against it, so both paths refuse the same values with the same
codes and messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from katalog.catalog import rules
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.core.errors import FieldError, ValidationFailed
from katalog.core.text import code_key

REFERENCE_MAX_LENGTH = 32
NAME_TEXT_MAX = 200
NOTES_MAX = 2_000
REASON_MAX = 200
PRICE_MAX = Decimal("999999999999.99")


def invalid(field_name: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, errors=[FieldError(field_name, code, message)])


@dataclass
class CodeTables:
    """The codes values are checked against. Left empty, a table is read on first use."""

    supply_classes: set[str] = field(default_factory=set)
    currencies: set[str] = field(default_factory=set)
    units_of_issue: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    identification_types: set[str] = field(default_factory=set)
    manufacturer_statuses: set[str] = field(default_factory=set)
    # Units of issue by their English term ("container" is CO), as FLIS data writes them.
    unit_of_issue_terms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> CodeTables:
        from katalog.refdata.models import CodeValue, Country, Currency, SupplyClass

        return cls(
            supply_classes=set(SupplyClass.objects.values_list("code", flat=True)),
            currencies=set(Currency.objects.values_list("alpha3", flat=True)),
            units_of_issue=set(
                CodeValue.objects.filter(table_id=UNIT_OF_ISSUE_TABLE).values_list(
                    "code", flat=True
                )
            ),
            countries=set(Country.objects.values_list("alpha2", flat=True)),
            identification_types=set(
                CodeValue.objects.filter(table_id="IDENTIFICATION_TYPE").values_list(
                    "code", flat=True
                )
            ),
            manufacturer_statuses=set(
                CodeValue.objects.filter(table_id="MANUFACTURER_STATUS").values_list(
                    "code", flat=True
                )
            ),
            unit_of_issue_terms={
                str(meanings.get("en", "")).upper(): code
                for code, meanings in CodeValue.objects.filter(
                    table_id=UNIT_OF_ISSUE_TABLE
                ).values_list("code", "meanings")
                if meanings.get("en")
            },
        )


UNIT_OF_ISSUE_TABLE = "UNIT_OF_ISSUE"

# Units of issue as words (FLIS data mixes words and 2-letter codes).
UNIT_OF_ISSUE_WORDS = {
    "EACH": "EA", "PAIR": "PR", "KIT": "KT", "PACKAGE": "PG", "SET": "SE", "BOX": "BX", "FOOT": "FT",
    "ROLL": "RO", "HUNDRED": "HD", "ASSEMBLY": "AY", "SHEET": "SH", "LOT": "LO", "YARD": "YD",
    "DOZEN": "DZ", "POUND": "LB", "SPOOL": "SL", "REEL": "RL", "GALLON": "GL", "QUART": "QT",
    "PINT": "PT", "CAN": "CN", "BOTTLE": "BT", "BAG": "BG", "CASE": "CS", "GROUP": "GP",
    "METER": "MR", "OUNCE": "OZ", "TUBE": "TU", "CARTON": "CT", "DRUM": "DR", "PAD": "PD",
    "CYLINDER": "CY", "BUNDLE": "BD", "COIL": "CL", "THOUSAND": "MX", "SQUARE FOOT": "SF",
}  # fmt: skip


def supply_class(code: str, known: set[str]) -> str:
    code = (code or "").strip()
    if not rules.SUPPLY_CLASS_RE.match(code):
        raise invalid(
            "supply_class",
            E.INVALID_SUPPLY_CLASS,
            _("Supply class %(code)r must be 4 digits") % {"code": code},
        )
    if code not in known:
        raise invalid(
            "supply_class",
            E.UNKNOWN_SUPPLY_CLASS,
            _("Unknown supply class %(code)s") % {"code": code},
        )
    return code


def currency(code: str | None, known: set[str]) -> str | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    if code not in known:
        raise invalid(
            "currency", E.UNKNOWN_CURRENCY, _("Unknown currency %(code)s") % {"code": code}
        )
    return code


def unit_of_issue(text: str | None, known: set[str], terms: dict[str, str] | None = None) -> str:
    """A unit-of-issue code, a word the FLIS data uses for one ("EACH" is EA), or the code
    table's own English term ("Container" is CO)."""
    word = (text or "").strip().upper()
    if word in {"", "UNKNOWN"}:
        return ""
    code = UNIT_OF_ISSUE_WORDS.get(word) or (terms or {}).get(word, word)
    if code not in known:
        raise invalid(
            "unit_of_issue",
            E.UNKNOWN_UNIT_OF_ISSUE,
            _("Unknown unit of issue %(code)r") % {"code": text},
        )
    return code


def identification_type(code: str | None, known: set[str]) -> str:
    code = (code or "").strip().upper() or "2"
    if code not in known:
        raise invalid(
            "identification_type",
            E.UNKNOWN_IDENTIFICATION_TYPE,
            _("Unknown type of identification %(code)r") % {"code": code},
        )
    return code


def manufacturer_status(code: str | None, known: set[str]) -> str:
    code = (code or "").strip().upper() or "A"
    if code not in known:
        raise invalid(
            "status",
            E.INVALID_MANUFACTURER_STATUS,
            _("Unknown manufacturer status %(status)r") % {"status": code},
        )
    return code


def country(code: str | None, known: set[str]) -> str:
    code = (code or "").strip().upper()
    if code not in known:
        raise invalid("country", E.UNKNOWN_COUNTRY, _("Unknown country %(code)r") % {"code": code})
    return code


def price(text: str | Decimal | None) -> Decimal | None:
    """A price as typed (`1 234,50`), at most 12 digits before the decimal point."""
    if text is None or text == "":
        return None
    try:
        value = (
            text
            if isinstance(text, Decimal)
            else Decimal(str(text).replace(" ", "").replace(",", "."))
        )
    except InvalidOperation:
        raise invalid(
            "price", E.INVALID_PRICE, _("%(value)r is not a price") % {"value": text}
        ) from None
    if not value.is_finite() or value < 0:
        raise invalid("price", E.INVALID_PRICE, _("a price cannot be negative"))
    if value > PRICE_MAX:
        raise invalid("price", E.INVALID_PRICE, _("the price is too large"))
    return value.quantize(Decimal("0.01"))


def text_limit(field_name: str, value: str, limit: int) -> str:
    """Every text a person types has a documented limit (docs/limits.md), enforced here for
    every app. The sentence names no field: it is shown beside the field it is about."""
    value = value or ""
    if len(value) > limit:
        message = _("At most %(max)d characters are kept here; this text has %(length)d") % {
            "max": limit,
            "length": len(value),
        }
        raise ValidationFailed(
            message,
            code=E.TEXT_TOO_LONG,
            errors=[FieldError(field_name, E.TEXT_TOO_LONG, message)],
            data={"field": field_name, "max": limit, "length": len(value)},
        )
    if "\x00" in value:
        raise invalid(
            field_name,
            E.INVALID_CHARACTER,
            _("The text contains a NUL character, which cannot be stored"),
        )
    return value


def reference_number(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise invalid("number", E.REFERENCE_EMPTY, _("Reference number is empty"))
    if len(number) > REFERENCE_MAX_LENGTH:
        raise invalid(
            "number",
            E.REFERENCE_TOO_LONG,
            _("Reference number %(number)r is longer than %(max)d characters")
            % {"number": number, "max": REFERENCE_MAX_LENGTH},
        )
    if "\x00" in number:
        raise invalid("number", E.INVALID_CHARACTER, _("number contains a NUL character"))
    if not code_key(number):
        raise invalid(
            "number",
            E.REFERENCE_EMPTY,
            _("Reference number %(number)r has no letters or digits") % {"number": number},
        )
    return number


def manufacturer_code(code: str, patterns: list[str], bureau_key: str) -> str:
    """A manufacturer code has 5 characters and follows its country's bureau pattern."""
    from katalog.catalog.manufacturer_selectors import manufacturer_code_key

    code = manufacturer_code_key(code)
    if len(code) != 5 or not code.isascii() or not code.isalnum():
        raise invalid(
            "code",
            E.INVALID_MANUFACTURER_CODE,
            _("Manufacturer code %(code)r must be 5 capital Latin letters or digits")
            % {"code": code},
        )
    if patterns and not rules.manufacturer_code_matches(code, patterns):
        raise invalid(
            "code",
            E.MANUFACTURER_CODE_PATTERN,
            _(
                "Manufacturer code %(code)s does not follow the pattern %(patterns)s of bureau %(bureau)s"
            )
            % {"code": code, "patterns": " / ".join(patterns), "bureau": bureau_key},
        )
    return code
