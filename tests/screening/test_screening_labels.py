"""The screening panel speaks the reader's language: no verdict identifier reaches the page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from katalog.core.actors import SYSTEM_INIT
from katalog.screening.services import ReferenceInput, ScreeningInput, screen


def _panel(result, language: str) -> str:
    with translation.override(language):
        return render_to_string("web/_screening.html", {"screening": result.to_dict()})


def test_screening_panel_says_nothing_to_screen_in_russian(catalogue) -> None:
    html = _panel(screen(ScreeningInput(item_name_code="10101"), reader=SYSTEM_INIT), "ru")
    assert "проверять нечего" in html
    assert "дубликат не найден" not in html.lower()


def test_screening_panel_candidate_verdicts_are_words(catalogue) -> None:
    query = ScreeningInput(references=(ReferenceInput("MS35", "A100F"),))
    html = _panel(screen(query, reader=SYSTEM_INIT), "ru")
    assert ">review<" not in html
    assert ">no_duplicate<" not in html
    assert ">duplicate<" not in html
