"""Text keys shared by storage, search and screening.

Two kinds of key are derived from what users type:
- a *code key* for reference numbers and codes: case folded, every separator removed and the
  Cyrillic letters that look like Latin ones folded to the Latin form, so `АБВ-12.3`, `abv123`
  and `ABB 123` meet where they are the same glyphs;
- a *word key* for names and descriptions: NFKC, case folded, apostrophes and ё folded.
The raw text is always stored too; keys are never shown.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Cyrillic capitals whose glyphs are indistinguishable from Latin capitals in part numbers.
_LOOKALIKE_TO_LATIN = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
        "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Һ": "H", "Ӏ": "I",
    }
)  # fmt: skip

_APOSTROPHES = str.maketrans({"ʻ": "'", "ʼ": "'", "‘": "'", "’": "'", "`": "'", "´": "'"})


# Exactly the characters for which `str.isalnum()` is false (`\w` is alphanumeric or "_").
_NOT_ALNUM = re.compile(r"[\W_]+")


def code_key(raw: str) -> str:
    """Normalised search key of a reference number or code (see module docstring)."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return _NOT_ALNUM.sub("", text).translate(_LOOKALIKE_TO_LATIN)


def ascii_code_key(raw: str) -> str:
    """`code_key` transliterated to Latin: `АБВГ.123` and `ABVG123` share this key.

    A weaker key than `code_key`: screening counts a match on it as weaker evidence.
    """
    return code_key(anyascii(unicodedata.normalize("NFKC", raw)).upper())


def word_key(raw: str) -> str:
    """Normalised form of names and descriptions for matching words across cases and variants."""
    text = unicodedata.normalize("NFKC", raw).casefold().translate(_APOSTROPHES)
    return " ".join(text.replace("ё", "е").split())


def ascii_word_key(raw: str) -> str:
    """Latin transliteration of `word_key`, so that Latin queries meet Cyrillic names."""
    return anyascii(word_key(raw)).lower()


def is_separator(ch: str) -> bool:
    """Spaces, dashes of any kind, dots, slashes and underscores separate parts of a code."""
    category = unicodedata.category(ch)
    return category in {"Zs", "Pd", "Cc"} or ch in "._/\\,\u00ad\u2212"


def search_terms(*texts: str) -> set[str]:
    """Each text's word key and its Latin transliteration, so that Latin and Cyrillic queries
    meet the same row."""
    words = {word_key(t) for t in texts if t}
    return words | {ascii_word_key(w) for w in words}


def search_words(*texts: str) -> str:
    """The stored search text of some names: `search_terms`, sorted and space-separated."""
    return " ".join(sorted(search_terms(*texts)))
