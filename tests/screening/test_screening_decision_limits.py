"""The texts of a screening decision have limits: a 100,000-character note is not stored."""

from __future__ import annotations

import pytest

from katalog.core.errors import ValidationFailed
from katalog.screening.models import ScreeningDecision, ScreeningJustification
from katalog.screening.services import (
    DECISION_NOTE_MAX,
    DECISION_SUBJECT_MAX,
    screening_decision_record,
)


@pytest.mark.parametrize(
    ("field", "limit"), [("note", DECISION_NOTE_MAX), ("subject", DECISION_SUBJECT_MAX)]
)
def test_a_decision_text_over_its_limit_is_refused(catalogue, person, field, limit) -> None:
    texts = {"note": "", "subject": "", field: "x" * 100_000}
    with pytest.raises(ValidationFailed) as raised:
        screening_decision_record(
            actor=person, item=catalogue.sibling, verdict="review", decision="not_duplicate",
            justification=ScreeningJustification.SUFFIX_CHANGES_ITEM, **texts,
        )  # fmt: skip
    assert [(e.field, e.code) for e in raised.value.errors] == [(field, "TEXT_TOO_LONG")]
    assert f"{limit:d}" in raised.value.errors[0].message.replace(",", "").replace(" ", "")
    assert not ScreeningDecision.objects.exists()


def test_a_note_at_its_limit_is_kept_whole(catalogue, person) -> None:
    note = "n" * DECISION_NOTE_MAX
    decision = screening_decision_record(
        actor=person, item=catalogue.sibling, verdict="review", decision="not_duplicate",
        justification=ScreeningJustification.OTHER, note=note,
    )  # fmt: skip
    assert ScreeningDecision.objects.get(pk=decision.pk).note == note
