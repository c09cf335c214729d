"""Folded keys of reference numbers for the weaker screening evidence.

`katalog.core.text.code_key` already removes separators, folds case and the Cyrillic letters that
look like Latin ones: two numbers with equal code keys are the same number. The folded key here
goes further and is only ever *weaker* evidence:

- the letters O and I become the digits 0 and 1 (misread or mistyped on drawings and forms);
- leading zeros of each group of digits are dropped (`MS-0035` and `MS35`), but a group of only
  zeros keeps one zero (`-00` ≠ nothing), and
- two groups of digits that were apart in the raw number stay apart (a `.` between them), so that
  dropping zeros can never glue groups together: `12-03` folds to `12.3` and `1-23` to `1.23`.

The folds never change one digit into another, so numbers whose suffix changes the item
(`АБВГ.123-01` vs `АБВГ.123-02`) can never fold to the same key.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from katalog.core.text import code_key, is_separator

_CONFUSABLE_TO_DIGIT = str.maketrans({"O": "0", "I": "1"})
_DIGIT_RUN = re.compile(r"\d+")


def _groups(raw: str) -> list[str]:
    """Runs of letters and digits between separators, each already a code key."""
    groups: list[str] = []
    current: list[str] = []
    for ch in unicodedata.normalize("NFKC", raw):
        if ch.isalnum():
            current.append(ch)
        elif current and (is_separator(ch) or not ch.isalnum()):
            groups.append(code_key("".join(current)))
            current = []
    if current:
        groups.append(code_key("".join(current)))
    return [g for g in groups if g]


def _strip_zeros(digits: str) -> str:
    return digits.lstrip("0") or "0"


def _fold(raw: str, *, confusables: bool, zeros: bool) -> str:
    parts: list[str] = []
    previous_ends_with_digit = False
    for group in _groups(raw):
        if confusables:
            group = group.translate(_CONFUSABLE_TO_DIGIT)
        if zeros:
            group = _DIGIT_RUN.sub(lambda m: _strip_zeros(m.group()), group)
        if previous_ends_with_digit and group[0].isdigit():
            parts.append(".")  # keep digit groups apart, see module docstring
        parts.append(group)
        previous_ends_with_digit = group[-1].isdigit()
    return "".join(parts)


def folded_key(raw: str) -> str:
    """Both folds: the key stored per reference and compared for weaker evidence."""
    return _fold(raw, confusables=True, zeros=True)


def confusable_key(raw: str) -> str:
    """Only the O/0 and I/1 fold (used to explain which fold made two numbers meet)."""
    return _fold(raw, confusables=True, zeros=False)


def zero_key(raw: str) -> str:
    """Only the leading-zero fold (used to explain which fold made two numbers meet)."""
    return _fold(raw, confusables=False, zeros=True)


# --- transliteration -------------------------------------------------------------------------
# Cyrillic drawing numbers are typed in Latin by several systems: GOST 7.79 (Х→X, Ц→CZ, Щ→SHH,
# Й→J), ICAO/passport (Х→KH, Ц→TS, Щ→SHCH, Ю→IU, Я→IA, Й→I), BGN/PCGN (Х→KH, Ц→TS, Й→Y, Ю→YU)
# and informal ones (Х→H, Ц→C, Щ→SCH). The transliteration key spells the Cyrillic side in one
# system and folds the spellings of every system to one token per Cyrillic letter, so that all
# of them meet. It is weaker evidence and is only compared between a number written in Cyrillic
# and one written in Latin (see `has_cyrillic`); digits and digit groups stay as they are.

_CYRILLIC_TO_LATIN = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "YO", "Ж": "ZH", "З": "Z",
    "И": "I", "Й": "Y", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH",
    "Щ": "SHCH", "Ъ": "", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "YU", "Я": "YA", "І": "I", "Ї": "YI",
    "Є": "YE", "Ў": "U", "Ғ": "G", "Қ": "K", "Ң": "N", "Ө": "O", "Ұ": "U", "Ү": "U", "Һ": "H",
    "Ә": "A", "Ҳ": "H", "Ҷ": "J", "Ӣ": "I", "Ӯ": "U", "Ҙ": "Z", "Ҡ": "K",
}  # fmt: skip
# Latin spellings of one Cyrillic letter -> one lower-case token (upper-case letters stay).
_LATIN_FOLDS = (
    (re.compile("SHCH|SHH|SCH"), "q"),
    (re.compile("SH"), "w"),
    (re.compile("ZH"), "j"),
    (re.compile("KH|X|H"), "h"),
    (re.compile("CH"), "x"),
    (re.compile("TS|TZ|CZ|C"), "c"),
    (re.compile("YU|IU|JU"), "u"),
    (re.compile("YA|IA|JA"), "a"),
    (re.compile("YO|JO"), "o"),
    (re.compile("YE|JE"), "E"),
    (re.compile("Y|J|I"), "i"),
)


def has_cyrillic(raw: str) -> bool:
    return any("CYRILLIC" in unicodedata.name(ch, "") for ch in raw if ch.isalpha())


def _latin_fold(group: str) -> str:
    for pattern, token in _LATIN_FOLDS:
        group = pattern.sub(token, group)
    return group


def translit_key(raw: str) -> str:
    """The transliteration key (see above): `УШГИ.235412.034` and `USHGI.235412.034` share it."""
    parts: list[str] = []
    previous_ends_with_digit = False
    for group in re.split(r"[^\w]|_", unicodedata.normalize("NFKC", raw).upper()):
        latin = "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in group)
        latin = code_key(latin) if latin.isascii() else code_key(anyascii(latin).upper())
        if not latin:
            continue
        folded = _latin_fold(latin)
        if previous_ends_with_digit and folded[0].isdigit():
            parts.append(".")  # keep digit groups apart, as the folded key does
        parts.append(folded)
        previous_ends_with_digit = folded[-1].isdigit()
    return "".join(parts)
