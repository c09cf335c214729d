"""A reference cell of a parts list read as a cataloguer reads it.

Procurement lists write `P/N HX9-M8-69`, `Обозначение: УШГИ.235412.034`, `№ 123–45¹` or
`HX9-M8-69 (AHX9F)`. The number is what remains once the prefix, a manufacturer given in the same
cell, footnote marks and typographic dashes and spaces are taken off. Digits are never changed,
groups of digits never joined and nothing after the number's last separator dropped: `…-01` and
`…-02` stay two numbers. The raw cell is kept next to what was read from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Prefixes that announce a number, in the member states' languages; matched case-insensitively
# at the start of the cell, followed by a separator (`:`, `.`, `#`, `№`, spaces).
_PREFIXES = (
    r"part\s*(?:no|number|num|#)",
    r"p\s*/\s*n",
    r"pn",
    r"ref(?:erence)?\s*(?:no|number)?",
    r"drawing\s*(?:no|number)?",
    r"dwg\s*(?:no)?",
    r"обозначение",
    r"обозн",
    r"черт(?:[её]ж)?",
    r"номер\s*детали",
    r"децимальный\s*номер",
    r"каталожный\s*номер",
    r"арт(?:икул)?",
    r"белгілеу",  # kk
    r"сызба",  # kk
    r"белгилөө",  # ky
    r"чийме",  # ky
    r"նշագիր",  # hy
    r"գծագիր",  # hy
    r"пазначэнне",  # be
    r"чарцёж",  # be
    r"ишора",  # tg
    r"нақша",  # tg
    r"belgilanish",  # uz
    r"chizma",  # uz
    r"no",
    r"nr",
)
_PREFIX = re.compile(
    r"^\s*(?:(?:" + "|".join(_PREFIXES) + r")(?=[\s.:#№]|$)[\s.:#№]*|[#№]+\s*)",
    re.IGNORECASE,
)
# A manufacturer given in the same cell: `… (AHX9F)`, `… [AHX9F]`, `… / mfr AHX9F`, `AHX9F: …`
_MAKER_IN_BRACKETS = re.compile(r"\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*$")
_MAKER_AFTER_WORD = re.compile(
    r"\s+(?:mfr|mfg|manufacturer|cage|ncage|изготовитель|изг|производитель)\.?\s*:?\s*(.+)$",
    re.IGNORECASE,
)
# Footnote marks: superscript digits and letters, asterisks, daggers at the end of the cell.
_FOOTNOTES = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f*\u2020\u2021]+$")
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


@dataclass(frozen=True)
class ReferenceCell:
    raw: str
    number: str
    manufacturer: str = ""  # a manufacturer's code or name found in the same cell


def _clean(text: str) -> str:
    text = text.translate(_INVISIBLE).translate(_SPACES).translate(_DASHES)
    return " ".join(text.split())


def _strip_footnotes(text: str) -> str:
    """Footnote marks at the end; NFKC would turn a superscript ¹ into a digit 1, so first."""
    return _FOOTNOTES.sub("", text).rstrip()


def _number_like(text: str) -> bool:
    """What is left could be a number: it holds a digit, or it is one upper-case word of at
    least four letters (catalogue numbers such as `PR-XRTZXP` have no digit; `such part` and
    `Bolt` are no numbers)."""
    if any(ch.isdigit() for ch in text):
        return True
    word = text.strip()
    return (
        " " not in word
        and not any(ch.islower() for ch in word)
        and sum(ch.isalnum() for ch in word) >= 4
    )


def _strip_prefix(text: str) -> str:
    """The cell without its prefix; prefixes come in pairs too (`Ref. No.`, `Dwg. No.`)."""
    kept = text
    for _round in range(2):
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text or not stripped:
            break
        text = stripped
        # Never strip a prefix that is the number itself (`PN-123` stays, `NO` alone stays).
        if _number_like(text):
            kept = text
    return kept


def _number_of(text: str) -> str:
    """The number in what is left of a cell: `P/N: ABCDEF† /` is `ABCDEF`."""
    text = _strip_footnotes(text.rstrip(" ,;:/"))
    return _strip_footnotes(_strip_prefix(text)).strip(" ,;:/")


def parse_reference_cell(raw: str) -> ReferenceCell:
    """The number and a manufacturer given in the cell; `raw` is kept as given."""
    text = _strip_footnotes(_clean(raw))
    manufacturer = ""
    for pattern in (_MAKER_IN_BRACKETS, _MAKER_AFTER_WORD):
        found = pattern.search(text)
        if found and _number_like(_number_of(text[: found.start()])):
            manufacturer, text = found.group(1).strip(), text[: found.start()].rstrip(" ,;/")
            break
    text = _number_of(text)
    return ReferenceCell(
        raw=raw, number=unicodedata.normalize("NFC", text), manufacturer=manufacturer
    )
