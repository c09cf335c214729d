"""The normalised key of a document number: one key however the number is typed.

`ГОСТ 5915-70`, `GOST 5915-70`, `ГОСТ5915–70` and `гост 5915 70` share the key `GOST591570`:
the number is transliterated to Latin and every separator (any dash, space, dot) is dropped,
as `katalog.core.text.ascii_code_key` does for the references of items, so a reference of an
item and a document meet on the reference's stored `ascii_key`. One thing more for what people
type into a search box: in a word holding Cyrillic letters, Latin letters that look like
Cyrillic ones (`ГOCT` typed with a Latin O, C and T) are read as the Cyrillic letters first.
"""

from __future__ import annotations

import re

from katalog.core.text import ascii_code_key

# Latin letters whose glyphs are those of Cyrillic letters, as keyboards mix them.
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
        "P": "Р", "T": "Т", "X": "Х", "Y": "У", "a": "а", "c": "с", "e": "е", "o": "о",
        "p": "р", "x": "х", "y": "у",
    }
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF\u0500-\u052F]")


def _cyrillic_words(raw: str) -> str:
    """Each word holding a Cyrillic letter, with its look-alike Latin letters made Cyrillic."""

    def fold(match: re.Match[str]) -> str:
        word = match.group(0)
        return word.translate(_LATIN_TO_CYRILLIC) if _CYRILLIC.search(word) else word

    return _WORD.sub(fold, raw)


def document_key(raw: str) -> str:
    """The key of a document number (see the module docstring); empty for a number of
    separators only."""
    return ascii_code_key(_cyrillic_words(raw))
