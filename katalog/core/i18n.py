"""Multilingual data values: a dict of language code → text, read with a fallback chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Localised:
    """A text chosen for a language, with the language it really came from."""

    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def pick(values: dict[str, str] | None, language: str | None = None) -> Localised:
    """Pick `values[language]`, else the configured fallbacks, else any non-empty value."""
    values = values or {}
    wanted = (language or translation.get_language() or "en").split("-")[0]
    for candidate in [wanted, *settings.DATA_LANGUAGE_FALLBACK, *sorted(values)]:
        text = values.get(candidate)
        if text:
            return Localised(text=text, language=candidate, is_fallback=candidate != wanted)
    return Localised(text="", language=wanted, is_fallback=True)


def pick_text(values: dict[str, str] | None, language: str | None = None) -> str:
    return pick(values, language).text
