"""Pure checks of catalogue data: number formats and manufacturer-code patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from katalog.catalog.errors import CatalogErrorCode as E
from katalog.core.errors import FieldError, ValidationFailed
from katalog.core.text import is_separator

NUMBER_GROUPS = (("supply_class", 4), ("bureau_code", 2), ("serial", 3), ("serial", 4))
# Marked for extraction here, translated where a message uses them.
PART_LABELS = {
    "supply_class": gettext_noop("supply class part"),
    "bureau_code": gettext_noop("bureau code part"),
    "serial": gettext_noop("serial part"),
}


@dataclass(frozen=True)
class CatalogueNumber:
    """A parsed catalogue number; `supply_class` is None when only the 9-digit part was given."""

    supply_class: str | None
    bureau_code: str
    serial: int

    @property
    def niin(self) -> str:
        return f"{self.bureau_code}{self.serial:07d}"

    @property
    def formatted_niin(self) -> str:
        n = self.niin
        return f"{n[:2]}-{n[2:5]}-{n[5:]}"

    def formatted(self, supply_class: str | None = None) -> str:
        nsc = supply_class or self.supply_class
        return f"{nsc}-{self.formatted_niin}" if nsc else self.formatted_niin


def _invalid(text: str, message: str, part: str = "number") -> ValidationFailed:
    return ValidationFailed(
        _("Invalid catalogue number %(text)r: %(reason)s") % {"text": text, "reason": message},
        code=E.INVALID_CATALOGUE_NUMBER,
        errors=[FieldError(field=part, code=E.INVALID_CATALOGUE_NUMBER, message=message)],
        data={"part": part},
    )


def _split_groups(text: str) -> list[str]:
    groups: list[str] = []
    current: list[str] = []
    for ch in text:
        if is_separator(ch):
            if current:
                groups.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        groups.append("".join(current))
    return groups


def _check_grouped_parts(text: str, groups: list[str]) -> None:
    """When the number is written in groups, name the first group that is not all digits."""
    layout: tuple[tuple[str, int], ...]
    if len(groups) == 4:
        layout = NUMBER_GROUPS
    elif len(groups) == 3 and len(groups[0]) == 2:
        layout = NUMBER_GROUPS[1:]
    else:
        return  # another grouping (e.g. 5310-01-2345678): judged on its digits alone
    for group, (part, width) in zip(groups, layout, strict=False):
        if not (group.isascii() and group.isdigit()) or len(group) != width:
            label = _(PART_LABELS[part])
            raise _invalid(
                text,
                _("%(label)s %(group)r must be %(width)d digits")
                % {"label": label, "group": group, "width": width},
                part,
            )


PLAIN_NUMBER = re.compile(r"\d{4}-\d{2}-\d{3}-\d{4}|\d{2}-\d{3}-\d{4}|\d{13}|\d{9}", re.ASCII)


def parse_catalogue_number(text: str) -> CatalogueNumber:
    """Parse `5310-01-234-5678`, `5310012345678`, `01-234-5678` or `012345678`.

    Spaces, dots and dashes of any kind may separate the parts. An invalid number raises
    `ValidationFailed` (code INVALID_CATALOGUE_NUMBER) naming the wrong part.
    """
    plain = PLAIN_NUMBER.fullmatch(text)
    if plain:  # the usual spellings, without the general walk over separators (bulk imports)
        digits = plain.group().replace("-", "")
        if len(digits) == 13:
            return CatalogueNumber(digits[:4], digits[4:6], int(digits[6:]))
        return CatalogueNumber(None, digits[:2], int(digits[2:]))
    groups = _split_groups(text.strip())
    if not groups:
        raise _invalid(text, _("the number is empty"))
    _check_grouped_parts(text, groups)
    digits = "".join(groups)
    if not (digits.isascii() and digits.isdigit()):
        bad = next(ch for ch in digits if not (ch.isascii() and ch.isdigit()))
        part = _part_at(digits, digits.index(bad))
        raise _invalid(
            text,
            _("%(label)s contains %(char)r; only digits are allowed")
            % {"label": _(PART_LABELS[part]) if part != "number" else _("number"), "char": bad},
            part,
        )
    if len(digits) == 13:
        return CatalogueNumber(digits[:4], digits[4:6], int(digits[6:]))
    if len(digits) == 9:
        return CatalogueNumber(None, digits[:2], int(digits[2:]))
    raise _invalid(
        text,
        _("a catalogue number has 13 digits (or 9 without the supply class), not %(n)d")
        % {"n": len(digits)},
    )


def _part_at(digits: str, index: int) -> str:
    if len(digits) == 13:
        return "supply_class" if index < 4 else "bureau_code" if index < 6 else "serial"
    if len(digits) == 9:
        return "bureau_code" if index < 2 else "serial"
    return "number"


def has_number_shape(text: str) -> bool:
    """True if the text is laid out like a catalogue number (four groups led by the 4-digit
    class, three led by the 2-digit code, or only digits), valid or not: lookups then report what is wrong with the number."""
    groups = _split_groups(text.strip())
    widths = [len(g) for g in groups]
    if (len(widths) == 4 and widths[0] == 4) or (len(widths) == 3 and widths[0] == 2):
        return True
    return bool(groups) and all(g.isascii() and g.isdigit() for g in groups)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """`#` a digit, `*` a Latin letter or digit, anything else itself (e.g. `A***F`)."""
    parts = []
    for ch in pattern:
        parts.append("[0-9]" if ch == "#" else "[0-9A-Z]" if ch == "*" else re.escape(ch))
    return re.compile("^" + "".join(parts) + "$")


def manufacturer_code_matches(code: str, patterns: list[str]) -> bool:
    return any(pattern_regex(p).match(code) for p in patterns)


SUPPLY_CLASS_RE = re.compile(r"^[0-9]{4}$")
