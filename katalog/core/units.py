"""Typed numeric values with units: parse, validate, convert and format.

Characteristics such as thread diameter, mass or capacitance arrive as text (``12,5 mm``,
``1 1/2 in``, ``4,7 kΩ``, ``20 °C``). This module turns such text into a :class:`Quantity`
holding the raw text, the number as entered, the UN/CEFACT Rec 20 unit code and the value in
the characteristic's canonical unit (a pint unit name such as ``meter`` or ``newton * meter``).

Design rules (see docs research §5):

* Units are looked up only in the project-owned table ``refdata/data/rec20_pint.csv``
  (Rec 20 code → pint expression → aliases). Raw user text is never given to pint.
* Numbers are parsed here (decimal comma or point, digit grouping, fractions, mixed fractions,
  exponents), because pint gets ``12,5 mm`` and ``1 1/2 in`` silently wrong.
* The pint registry is built once, lazily. Conversions are cached per unit pair as an affine
  map ``value * scale + offset`` (the offset is non-zero only for °C/°F), so after warm-up a
  parse costs a regex, a few dict look-ups and one multiplication.
* Units with the same pint dimensionality but a different meaning are kept apart by a
  *kind*: torque (N·m) vs energy (J), angle (°) vs ratio (%), rotational speed (rpm) vs
  frequency (Hz), apparent power (V·A) vs power (W).

Errors are :class:`katalog.core.errors.ValidationFailed` with stable codes:
``VALUE_NOT_A_NUMBER``, ``UNIT_UNKNOWN``, ``UNIT_WRONG_QUANTITY``, ``VALUE_OUT_OF_RANGE``,
``UNIT_MISSING``, ``RANGE_INVALID``. Django is imported only to translate an error message.
"""

from __future__ import annotations

import csv
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from katalog.core.errors import ValidationFailed

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = [
    "Quantity",
    "convert",
    "format_quantity",
    "parse_quantity",
    "parse_range",
    "to_unit_code",
    "unit_symbol",
    "units_for",
]

TABLE_PATH = Path(__file__).resolve().parent.parent / "refdata" / "data" / "rec20_pint.csv"

VALUE_NOT_A_NUMBER = "VALUE_NOT_A_NUMBER"
UNIT_UNKNOWN = "UNIT_UNKNOWN"
UNIT_WRONG_QUANTITY = "UNIT_WRONG_QUANTITY"
VALUE_OUT_OF_RANGE = "VALUE_OUT_OF_RANGE"
UNIT_MISSING = "UNIT_MISSING"
RANGE_INVALID = "RANGE_INVALID"


@dataclass(frozen=True)
class Quantity:
    """One parsed value."""

    raw: str  #: text as given
    magnitude: Decimal  #: number as entered (in ``unit_code``)
    unit_code: str  #: UN/CEFACT Rec 20 common code
    value: float  #: value in the canonical unit


# --------------------------------------------------------------------------- messages


def _(message: str) -> str:
    """Translate ``message`` at raise time; works without configured Django settings."""
    try:
        from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
        from django.utils.translation import gettext
    except ImportError:  # pragma: no cover - Django is a project dependency
        return message
    try:
        return gettext(message)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return message


def gettext_noop(message: str) -> str:
    """Mark a string for extraction (``makemessages`` knows this keyword) without translating."""
    return message


def _fail(code: str, message: str, **params: Any) -> ValidationFailed:
    params = {k: (_(v) if k in ("kind", "expected") else v) for k, v in params.items()}
    return ValidationFailed(_(message) % params, code=code, data=params)


# ---------------------------------------------------------------------- pint registry

_registry: pint.UnitRegistry | None = None
_registry_lock = threading.Lock()


def registry() -> pint.UnitRegistry:
    """The shared pint registry, built on first use (construction costs ~0.3 s)."""
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                import pint

                _registry = pint.UnitRegistry()
    return _registry


# --------------------------------------------------------------------------- kinds

# Reference unit per kind; the first kind with a given dimensionality names it.
_KIND_REFERENCE: tuple[tuple[str, str], ...] = (
    (gettext_noop("length"), "meter"),
    (gettext_noop("mass"), "kilogram"),
    (gettext_noop("time"), "second"),
    (gettext_noop("area"), "meter ** 2"),
    (gettext_noop("volume"), "meter ** 3"),
    (gettext_noop("speed"), "meter / second"),
    (gettext_noop("volume flow"), "meter ** 3 / second"),
    (gettext_noop("force"), "newton"),
    (gettext_noop("torque"), "newton * meter"),
    (gettext_noop("pressure"), "pascal"),
    (gettext_noop("power"), "watt"),
    (gettext_noop("electric current"), "ampere"),
    (gettext_noop("voltage"), "volt"),
    (gettext_noop("resistance"), "ohm"),
    (gettext_noop("capacitance"), "farad"),
    (gettext_noop("inductance"), "henry"),
    (gettext_noop("electric charge"), "coulomb"),
    (gettext_noop("frequency"), "hertz"),
    (gettext_noop("temperature"), "kelvin"),
    (gettext_noop("ratio"), "dimensionless"),
    (gettext_noop("density"), "kilogram / meter ** 3"),
    (gettext_noop("luminous flux"), "lumen"),
    (gettext_noop("illuminance"), "lux"),
)
_ANGLE = (gettext_noop("angle"), ("degree", "radian", "arcminute", "arcsecond", "gradian"))
_ROTATION = (gettext_noop("rotational speed"), ("turn", "revolution"))
_APPARENT = (gettext_noop("apparent power"), ("volt_ampere",))
_ENERGY = (gettext_noop("energy"), ("joule", "hour", "calorie", "electron_volt", "btu"))
_TOKEN_RE = re.compile(r"[A-Za-z_]+")


@lru_cache(maxsize=1)
def _kind_names() -> dict[str, str]:
    ureg = registry()
    names: dict[str, str] = {}
    for name, expr in _KIND_REFERENCE:
        names.setdefault(_dims_key(ureg.parse_units(expr)), name)
    return names


def _dims_key(unit: Any) -> str:
    """Order-independent text of a unit's dimensionality (pint's own order varies)."""
    dims = dict(unit.dimensionality)
    if not dims:
        return "dimensionless"
    return " * ".join(f"{d} ** {e:g}" if e != 1 else d for d, e in sorted(dims.items()))


@dataclass(frozen=True)
class _UnitInfo:
    expr: str
    unit: Any  # pint.Unit
    kind: str


@lru_cache(maxsize=512)
def _unit_info(expr: str) -> _UnitInfo:
    """Parse a (trusted) pint expression once and classify it by kind."""
    ureg = registry()
    try:
        unit = ureg.parse_units(expr)
    except Exception as exc:  # pint raises several types here
        raise ValueError(f"not a pint unit expression: {expr!r}") from exc
    dims = _dims_key(unit)
    tokens = _TOKEN_RE.findall(str(unit))
    names = _kind_names()

    def has(suffixes: tuple[str, ...]) -> bool:
        return any(t.endswith(s) for t in tokens for s in suffixes)

    kind = names.get(dims, dims)
    if has(_ROTATION[1]):
        kind = _ROTATION[0] if kind == "frequency" else gettext_noop("rotation")
    elif kind == "ratio" and has(_ANGLE[1]):
        kind = _ANGLE[0]
    elif kind == "power" and has(_APPARENT[1]):
        kind = _APPARENT[0]
    elif kind == "torque" and has(_ENERGY[1]):
        kind = _ENERGY[0]
    return _UnitInfo(expr, unit, kind)


@lru_cache(maxsize=4096)
def _affine(from_expr: str, to_expr: str) -> tuple[float, float]:
    """``(scale, offset)`` such that ``to = from * scale + offset`` (offset ≠ 0 only for °C/°F)."""
    ureg = registry()
    src, dst = _unit_info(from_expr).unit, _unit_info(to_expr).unit
    zero = float(ureg.Quantity(0.0, src).to(dst).magnitude)
    if zero == 0.0:
        return float(ureg.Quantity(1.0, src).to(dst).magnitude), 0.0
    hundred = float(ureg.Quantity(100.0, src).to(dst).magnitude)
    # Offset units (°C, °F): pint's float arithmetic leaves noise such as 31.999999999999936;
    # the true factors are simple fractions (9/5, 32, 5463/20, 5/9), so snap to them.
    return _snap((hundred - zero) / 100.0), _snap(zero)


def _snap(x: float) -> float:
    """``x`` replaced by a nearby fraction with a small denominator, if one is within 1e-11."""
    near = Fraction(x).limit_denominator(10_000)
    return float(near) if abs(float(near) - x) <= 1e-11 * max(1.0, abs(x)) else x


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class _Row:
    code: str
    pint_unit: str
    aliases: tuple[str, ...]


_PRIMES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "′": "'", "”": '"', "“": '"', "″": '"', "µ": "u", "μ": "u"}
)
_KEY_DROP_RE = re.compile(r"[\s·⋅∙•*×.\-^]+")
# Letters that look alike in upright fonts (lower-case м/m do not).
_LATIN_TO_CYR = str.maketrans("aceopxykABCEHKMOPTX", "асеорхукАВСЕНКМОРТХ")
_CYR_TO_LATIN = str.maketrans("асеорхукАВСЕНКМОРТХ", "aceopxykABCEHKMOPTX")
_LATIN_RE = re.compile(r"[A-Za-z]")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")


def _unit_key(text: str) -> str:
    """Normalise a unit spelling: NFKC, µ→u, primes, no spaces, dots, hyphens or ``·*^``."""
    key = unicodedata.normalize("NFKC", text.translate(_SUPERSCRIPTS)).translate(_PRIMES)
    key = key.replace("''", '"').replace("\u2212", "-")
    return _KEY_DROP_RE.sub("", key)


@dataclass(frozen=True)
class _Table:
    rows: dict[str, _Row]
    exact: dict[str, tuple[str, ...]]
    folded: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _table() -> _Table:
    rows: dict[str, _Row] = {}
    exact: dict[str, list[str]] = {}
    folded: dict[str, list[str]] = {}
    with TABLE_PATH.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            aliases = tuple(a for a in rec["aliases"].split("|") if a)
            row = _Row(rec["code"], rec["pint_unit"], aliases)
            rows[row.code] = row
    # Aliases first (in table order), then the codes themselves.
    spellings = [(a, r.code) for r in rows.values() for a in r.aliases]
    spellings += [(r.code, r.code) for r in rows.values()]
    for spelling, code in spellings:
        key = _unit_key(spelling)
        bucket = exact.setdefault(key, [])
        if code not in bucket:
            bucket.append(code)
        fbucket = folded.setdefault(key.casefold(), [])
        if code not in fbucket:
            fbucket.append(code)
    return _Table(
        rows,
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in folded.items()},
    )


def _row(code: str) -> _Row:
    return _table().rows[code]


def _row_kind(code: str) -> str:
    return _unit_info(_row(code).pint_unit).kind


def _candidates(key: str) -> tuple[tuple[str, ...], bool]:
    """Codes a normalised unit key may mean, and whether the match was exact."""
    table = _table()
    keys = [key]
    if _LATIN_RE.search(key) and _CYR_RE.search(key):  # mixed scripts: a typing slip
        keys += [key.translate(_LATIN_TO_CYR), key.translate(_CYR_TO_LATIN)]
    for k in keys:
        if k in table.exact:
            return table.exact[k], True
    if len(key) >= 2:  # case-insensitive only for multi-character spellings
        for k in keys:
            codes = table.folded.get(k.casefold())
            if codes:
                return codes, False
    return (), False


# A resolution result: ("ok", code) or ("err", error code, message, params).
_Resolution = tuple[Any, ...]


@lru_cache(maxsize=8192)
def _resolve(unit_text: str, kind: str | None) -> _Resolution:
    key = _unit_key(unit_text)
    if not key:
        return ("err", UNIT_MISSING, gettext_noop("a unit is required"), {})
    codes, exact = _candidates(key)
    if not codes:
        if any(c.isdigit() for c in key) and not key.isdigit():
            return (
                "err",
                VALUE_NOT_A_NUMBER,
                gettext_noop("'%(unit)s' after the number is not a unit"),
                {"unit": unit_text},
            )
        message = gettext_noop("unit '%(unit)s' is unknown")
        return ("err", UNIT_UNKNOWN, message, {"unit": unit_text})
    if kind is not None:
        matching = [c for c in codes if _row_kind(c) == kind]
        if not matching:
            return (
                "err",
                UNIT_WRONG_QUANTITY,
                gettext_noop("unit '%(unit)s' measures %(kind)s, expected %(expected)s"),
                {"unit": unit_text, "kind": _row_kind(codes[0]), "expected": kind},
            )
        codes, exact = tuple(matching), exact or len(matching) == 1
    if len(codes) > 1 and not exact:
        return (
            "err",
            UNIT_UNKNOWN,
            gettext_noop("unit '%(unit)s' is ambiguous: %(codes)s"),
            {"unit": unit_text, "codes": ", ".join(codes)},
        )
    return ("ok", codes[0])


def _resolve_or_raise(unit_text: str, kind: str | None) -> str:
    res = _resolve(unit_text, kind)
    if res[0] == "ok":
        return res[1]
    raise _fail(res[1], res[2], **res[3])


@lru_cache(maxsize=256)
def _expr_for(unit: str) -> str:
    """A Rec 20 code of our table or a pint expression → pint expression (validated)."""
    rows = _table().rows
    expr = rows[unit].pint_unit if unit in rows else unit
    _unit_info(expr)  # raises ValueError on nonsense
    return expr


# --------------------------------------------------------------------------- numbers

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUPER_RUN_RE = re.compile("[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_VULGAR = {
    "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5",
    "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8",
    "⅞": "7/8",
}  # fmt: skip
_VULGAR_RE = re.compile("[" + "".join(_VULGAR) + "]")

_NUMBER_RE = re.compile(
    r"""
    \s*(?P<sign>[+-])?\s*
    (?:
        (?P<whole>\d+)(?:\s+|-)(?P<num>\d+)\s*/\s*(?P<den>\d+)
      | (?P<fnum>\d+)\s*/\s*(?P<fden>\d+)
      | (?P<dec>\d(?:[\d\s.,]*\d)?|[.,]\d+)
        (?:[eE](?P<exp1>[+-]?\d+)|\s*[·⋅∙×xX*]\s*10\s*(?:\^|\*\*)\s*(?P<exp2>[+-]?\d+))?
    )
    (?P<unit>.*)$
    """,
    re.X | re.S,
)
_CODED_RE = re.compile(r"^\s*[^\W\d_]+\s*\d")
_GROUP_SPACE_RE = re.compile(r"\s+")


def _prepare(text: str) -> str:
    """Normalise number-related Unicode: superscripts → ``^n``, ½ → `` 1/2``, NFKC, minus."""
    if text.isascii():
        return text.strip()
    text = _SUPER_RUN_RE.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    text = _VULGAR_RE.sub(lambda m: " " + _VULGAR[m.group()], text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2212", "-").replace("\u2044", "/")
    return text.replace("⌀", "").replace("Ø", "").strip()  # "Ø12 мм": a diameter sign


@lru_cache(maxsize=64)
def _locale_symbols(locale: str) -> tuple[str, str]:
    """(decimal symbol, group symbol) of a CLDR locale; unknown locales fall back to ``en``."""
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    for candidate in (locale, locale.replace("-", "_").split("_")[0], "en"):
        try:
            loc = Locale.parse(candidate.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        return get_decimal_symbol(loc), get_group_symbol(loc)
    return ".", ","  # pragma: no cover


def _valid_groups(groups: list[str], *, leading: bool) -> bool:
    if len(groups) == 1:
        return True
    if leading:
        return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    return all(len(g) == 3 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 3


def _plain_decimal(token: str, locale: str) -> Decimal | None:
    """Digits with optional grouping and one decimal separator → Decimal, or None."""
    loc_decimal, loc_group = _locale_symbols(locale)
    has_space = any(c.isspace() for c in token)
    if has_space:
        token = _GROUP_SPACE_RE.sub(" ", token)
    commas, dots = token.count(","), token.count(".")
    dec: str | None
    grp: str | None
    if has_space:
        if commas + dots > 1:
            return None
        dec = "," if commas else "." if dots else None
        grp = " "
    elif commas and dots:
        dec = "," if token.rfind(",") > token.rfind(".") else "."
        grp = "." if dec == "," else ","
        if token.count(dec) != 1:
            return None
    elif commas + dots == 0:
        dec = grp = None
    else:
        sep = "," if commas else "."
        if commas + dots > 1:
            dec, grp = None, sep
        else:
            head, tail = token.split(sep)
            grouping = len(tail) == 3 and 1 <= len(head) <= 3 and head[:1] != "0"
            if grouping and sep == loc_group and sep != loc_decimal:
                dec, grp = None, sep
            else:
                dec, grp = sep, None
    int_part, _sep, frac = token.partition(dec) if dec else (token, "", "")
    if grp:
        groups = int_part.split(grp)
        if not _valid_groups(groups, leading=True):
            return None
        int_part = "".join(groups)
        if grp == " " and frac:
            fgroups = frac.split(" ")
            if not _valid_groups(fgroups, leading=False):
                return None
            frac = "".join(fgroups)
    if not (int_part or frac) or not (int_part + frac).isdigit():
        return None
    return Decimal((int_part or "0") + ("." + frac if frac else ""))


def _lex(text: str, locale: str) -> tuple[Decimal, str] | None:
    """Split prepared text into (number as entered, unit text); None if it is not a number."""
    m = _NUMBER_RE.match(text)
    if m is None:
        return None
    try:
        if m["den"] is not None:
            den = Decimal(m["den"])
            if den == 0:
                return None
            value = Decimal(m["whole"]) + Decimal(m["num"]) / den
        elif m["fden"] is not None:
            den = Decimal(m["fden"])
            if den == 0:
                return None
            value = Decimal(m["fnum"]) / den
        else:
            plain = _plain_decimal(m["dec"], locale)
            if plain is None:
                return None
            exp = m["exp1"] or m["exp2"]
            value = plain.scaleb(int(exp)) if exp else plain
    except (InvalidOperation, ValueError):
        return None
    if m["sign"] == "-":
        value = -value
    return value, m["unit"].strip()


def _not_a_number(raw: str) -> ValidationFailed:
    if _CODED_RE.match(raw):
        return _fail(
            VALUE_NOT_A_NUMBER,
            gettext_noop("'%(value)s' is a coded value, not a number with a unit"),
            value=raw,
        )
    return _fail(VALUE_NOT_A_NUMBER, gettext_noop("'%(value)s' is not a number"), value=raw)


# --------------------------------------------------------------------------- public API


def _build(
    raw: str,
    magnitude: Decimal,
    unit_text: str,
    *,
    canonical_expr: str,
    default_unit: str | None,
    min_value: float | None,
    max_value: float | None,
) -> Quantity:
    kind = _unit_info(canonical_expr).kind
    if not unit_text:
        if default_unit is None:
            raise _fail(UNIT_MISSING, gettext_noop("'%(value)s' has no unit"), value=raw)
        unit_text = default_unit
    code = _resolve_or_raise(unit_text, kind)
    scale, offset = _affine(_row(code).pint_unit, canonical_expr)
    value = float(magnitude) * scale + offset
    if not math.isfinite(value):
        raise _fail(VALUE_OUT_OF_RANGE, gettext_noop("'%(value)s' is too large"), value=raw)
    too_low = min_value is not None and value < min_value
    if too_low or (max_value is not None and value > max_value):
        raise _fail(
            VALUE_OUT_OF_RANGE,
            gettext_noop("'%(value)s' is outside the allowed range %(min)s to %(max)s %(unit)s"),
            value=raw,
            min="-∞" if min_value is None else f"{min_value:g}",
            max="∞" if max_value is None else f"{max_value:g}",
            unit=canonical_expr,
        )
    if kind == "temperature":
        k_scale, k_offset = _affine(canonical_expr, "kelvin")
        if value * k_scale + k_offset < -1e-9:
            message = gettext_noop("'%(value)s' is below absolute zero")
            raise _fail(VALUE_OUT_OF_RANGE, message, value=raw)
    return Quantity(raw=raw, magnitude=magnitude, unit_code=code, value=value)


def parse_quantity(
    text: str,
    *,
    canonical_unit: str,
    default_unit: str | None = None,
    locale: str = "en",
    min_value: float | None = None,
    max_value: float | None = None,
) -> Quantity:
    """Parse ``text`` (e.g. ``"12,5 mm"``, ``"1 1/2 in"``, ``"20 °C"``) into a :class:`Quantity`.

    ``canonical_unit`` is a pint unit name (or a Rec 20 code of our table); the unit given must
    measure the same kind of quantity. A bare number takes ``default_unit`` (alias or code); with
    no default it is rejected (``UNIT_MISSING``). ``locale`` decides whether ``1,234`` means
    1234 or 1.234; a lone separator followed by other than three digits is always decimal.
    ``min_value``/``max_value`` bound the value in the canonical unit.
    """
    raw = text if isinstance(text, str) else str(text)
    lexed = _lex(_prepare(raw), locale)
    if lexed is None:
        raise _not_a_number(raw.strip())
    magnitude, unit_text = lexed
    return _build(
        raw.strip(),
        magnitude,
        unit_text,
        canonical_expr=_expr_for(canonical_unit),
        default_unit=default_unit,
        min_value=min_value,
        max_value=max_value,
    )


_RANGE_WORDS_RE = re.compile(
    r"^\s*(?:от|from)\s+(?P<lo>.+?)\s+(?:до|to)\s+(?P<hi>.+?)\s*$", re.I | re.S
)
_RANGE_SEP_RE = re.compile(r"\s*(?:\.{2,3}|…|–|—|÷|\s(?:to|до)\s)\s*", re.I)


def _range_sides(text: str, locale: str) -> tuple[str, str] | None:
    """Split a range into its two sides, or None if ``text`` holds a single value."""
    m = _RANGE_WORDS_RE.match(text)
    if m:
        return m["lo"], m["hi"]
    seps = list(_RANGE_SEP_RE.finditer(text))
    if len(seps) == 1 and seps[0].start() > 0:
        return text[: seps[0].start()], text[seps[0].end() :]
    if seps:
        raise _fail(RANGE_INVALID, gettext_noop("'%(value)s' is not a range"), value=text)
    whole = _lex(text, locale)
    single = whole is not None and not whole[1].startswith("-")
    if single and whole is not None and not any(c.isdigit() for c in whole[1]):
        return None  # a single value, e.g. "12 mm" or "1-1/2 in"
    for i, ch in enumerate(text):
        if ch != "-" or not text[:i].strip():
            continue
        before = text[:i].rstrip()
        if before[-1] in "^*" or (before[-1] in "eE" and before[-2:-1].isdigit()):
            continue
        lo, hi = text[:i], text[i + 1 :]
        if _lex(lo, locale) is not None and _lex(hi, locale) is not None:
            return lo, hi
    return None


def parse_range(
    text: str,
    *,
    canonical_unit: str,
    default_unit: str | None = None,
    locale: str = "en",
    min_value: float | None = None,
    max_value: float | None = None,
) -> tuple[Quantity, Quantity]:
    """Parse a range such as ``"10..12 mm"``, ``"10-12 mm"``, ``"10 to 12 mm"``,
    ``"от 10 до 12 мм"``, ``"10 mm – 0.5 in"`` or ``"10÷12 мм"`` into ``(low, high)``.

    A side without a unit takes the other side's unit, then ``default_unit``. A single value
    gives ``(q, q)``. ``low.value <= high.value`` is required (``RANGE_INVALID``).
    """
    raw = (text if isinstance(text, str) else str(text)).strip()
    prepared = _prepare(raw)
    sides = _range_sides(prepared, locale)
    kwargs: dict[str, Any] = {
        "canonical_expr": _expr_for(canonical_unit),
        "min_value": min_value,
        "max_value": max_value,
    }
    if sides is None:
        q = parse_quantity(
            raw, canonical_unit=canonical_unit, default_unit=default_unit, locale=locale,
            min_value=min_value, max_value=max_value,
        )  # fmt: skip
        return q, q
    lo_text, hi_text = (s.strip() for s in sides)
    lo_lex, hi_lex = _lex(lo_text, locale), _lex(hi_text, locale)
    if lo_lex is None:
        raise _not_a_number(lo_text)
    if hi_lex is None:
        raise _not_a_number(hi_text)
    lo_unit = lo_lex[1] or hi_lex[1]
    hi_unit = hi_lex[1] or lo_lex[1]
    low = _build(lo_text, lo_lex[0], lo_unit, default_unit=default_unit, **kwargs)
    high = _build(hi_text, hi_lex[0], hi_unit, default_unit=default_unit, **kwargs)
    if low.value > high.value:
        raise _fail(
            RANGE_INVALID,
            gettext_noop("range '%(value)s' is invalid: the low end is greater than the high end"),
            value=raw,
        )
    return low, high


def convert(value: float, *, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between two units given as Rec 20 codes of our table or pint names.

    Offset units (°C, °F) are handled. Units of different kinds (e.g. Hz and rpm, J and N·m)
    raise ``UNIT_WRONG_QUANTITY``.
    """
    src, dst = _expr_for(from_unit), _expr_for(to_unit)
    if src == dst:
        return float(value)
    src_kind, dst_kind = _unit_info(src).kind, _unit_info(dst).kind
    if src_kind != dst_kind:
        raise _fail(
            UNIT_WRONG_QUANTITY,
            gettext_noop("unit '%(unit)s' measures %(kind)s, expected %(expected)s"),
            unit=from_unit,
            kind=src_kind,
            expected=dst_kind,
        )
    scale, offset = _affine(src, dst)
    return float(value) * scale + offset


def to_unit_code(text: str, *, canonical_unit: str | None = None) -> str:
    """Alias, symbol or code (``"mm"``, ``"мм"``, ``"MMT"``) → Rec 20 code.

    Raises ``UNIT_UNKNOWN`` (or ``UNIT_MISSING`` for blank text). A spelling shared by units of
    different kinds (``"`` is inch and arcsecond) gives the first in the table unless
    ``canonical_unit`` says which kind is wanted.
    """
    kind = _unit_info(_expr_for(canonical_unit)).kind if canonical_unit else None
    return _resolve_or_raise(_prepare(text), kind)


_CYRILLIC_LOCALES = frozenset({"ru", "be", "kk", "ky", "tg", "uk", "bg", "mn"})


@lru_cache(maxsize=1024)
def unit_symbol(unit_code: str, *, locale: str = "en") -> str:
    """Display symbol of a unit: the first alias, or the first Cyrillic one for ru/kk/be/…."""
    row = _row(unit_code)
    lang, _sep, rest = locale.replace("-", "_").partition("_")
    if lang.lower() in _CYRILLIC_LOCALES or "cyrl" in rest.lower():
        for alias in row.aliases:
            # skip look-alikes of the primary symbol, such as "°С" or "К" in Cyrillic letters
            if _CYR_RE.search(alias) and alias.translate(_CYR_TO_LATIN) != row.aliases[0]:
                return alias
    return row.aliases[0] if row.aliases else row.code


_NO_SPACE_SYMBOLS = frozenset({"°", "'", '"', "′", "″"})


# Explanations of a parts list's lines show the same few values thousands of times (babel's
# formatting costs about 40 µs a number); the unit table it reads is loaded once.
@lru_cache(maxsize=4096)
def format_quantity(
    value: float, *, canonical_unit: str, unit_code: str, locale: str = "en", digits: int = 6
) -> str:
    """Show a canonical ``value`` in ``unit_code`` with ``digits`` significant digits,
    the locale's separators and the unit's symbol, e.g. ``"12,5 мм"`` (ru) or ``"0.5 in"``."""
    from babel.numbers import format_decimal

    canonical_expr = _expr_for(canonical_unit)
    code = unit_code if unit_code in _table().rows else to_unit_code(unit_code)
    shown = convert(value, from_unit=canonical_expr, to_unit=_row(code).pint_unit)
    number = Decimal(f"{shown:.{digits}g}")
    if number == 0:
        number = Decimal(0)  # no "-0"
    text = format_decimal(number, locale=locale.replace("-", "_"), decimal_quantization=False)
    symbol = unit_symbol(code, locale=locale)
    return f"{text}{'' if symbol in _NO_SPACE_SYMBOLS else ' '}{symbol}"


@lru_cache(maxsize=256)
def _units_for(canonical_unit: str) -> tuple[str, ...]:
    kind = _unit_info(_expr_for(canonical_unit)).kind
    return tuple(code for code in _table().rows if _row_kind(code) == kind)


def units_for(canonical_unit: str) -> list[str]:
    """Rec 20 codes of our table measuring the same kind as ``canonical_unit`` (table order)."""
    return list(_units_for(canonical_unit))
