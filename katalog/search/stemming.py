"""Word stems for search: «насосы» and «насос» meet, as do "bearings" and "bearing".

Snowball has stemmers for Russian, English and Armenian among the interface languages; a word's
script chooses the stemmer (Cyrillic words go to the Russian one, Latin words to the English
one, Armenian to the Armenian one), since the text of an item mixes languages without saying
which word is which. Kazakh, Kyrgyz, Belarusian, Tajik and Uzbek have no Snowball stemmer: their
words keep matching by prefix, and a stem that the Russian or English stemmer gives them only
adds matches of the same prefix.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

try:  # without the package words match by prefix only, as before
    import snowballstemmer
except ImportError:  # pragma: no cover
    snowballstemmer = None

# Shorter stems stand for too many words to be useful as a prefix ("ст" of «сталь», «стол»).
MIN_STEM = 3


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(language)


def _language(word: str) -> str | None:
    for ch in word:
        if "\u0400" <= ch <= "\u04ff":
            return "russian"
        if "\u0530" <= ch <= "\u058f":
            return "armenian"
        if ch.isascii() and ch.isalpha():
            return "english"
    return None


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, or the word itself when its script has no stemmer,
    it holds digits or its stem would be too short."""
    language = _language(word)
    if language is None or snowballstemmer is None or not word.isalpha():
        return word
    stemmed = _stemmer(language).stemWord(word)
    return stemmed if len(stemmed) >= MIN_STEM else word
