"""What duplicate screening stores: a person's decision on a candidate (checked, recorded and
audited in one transaction) and the screening keys of references (the folded and
transliterated keys that step 1 looks up), kept in step with the references as they are
written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.audit.services import audit_record
from katalog.catalog.models import Item, Reference
from katalog.core.actors import Actor, person_of
from katalog.core.errors import FieldError, PermissionDenied, ValidationFailed
from katalog.screening.errors import ScreeningErrorCode as E
from katalog.screening.keys import folded_key, translit_key
from katalog.screening.models import (
    Decision,
    ReferenceScreeningKey,
    ScreeningDecision,
    ScreeningJustification,
    Verdict,
)

# --- decisions -------------------------------------------------------------------------------


# Reasons that say "another item" never justify "duplicate", and "same item" never the opposite;
# a wrong candidate record or another reason (with a note) may go either way.
_EITHER_WAY = {ScreeningJustification.CANDIDATE_DATA_WRONG, ScreeningJustification.OTHER}
FITTING_JUSTIFICATIONS = {
    Decision.DUPLICATE: {ScreeningJustification.SAME_ITEM, *_EITHER_WAY},
    Decision.NOT_DUPLICATE: set(ScreeningJustification) - {ScreeningJustification.SAME_ITEM},
}


# Limits of the texts of a decision (docs/limits.md).
DECISION_NOTE_MAX = 2_000
DECISION_SUBJECT_MAX = 200


def _over_limit(field_name: str, value: str, limit: int) -> list[FieldError]:
    if len(value or "") <= limit:
        return []
    message = _("At most %(max)d characters are kept here; this text has %(length)d") % {
        "max": limit,
        "length": len(value),
    }
    return [FieldError(field_name, E.TEXT_TOO_LONG, message)]


@transaction.atomic
def screening_decision_record(
    *,
    actor: Actor,
    item: Item,
    verdict: str,
    decision: str,
    justification: str,
    note: str = "",
    subject: str = "",
) -> ScreeningDecision:
    """Record a person's decision on a candidate of a "review" verdict, or the override of a
    "duplicate" verdict, with the justification code."""
    person = person_of(actor)
    if person is None or not person.is_authenticated:
        raise PermissionDenied(
            _("Only a signed-in person can decide on a screening candidate"),
            code=E.DECISION_NEEDS_PERSON,
        )
    rights.acting_bureau(actor, rights.Permission.CATALOGUE)
    errors = []
    if verdict not in Verdict.values:
        errors.append(FieldError("verdict", E.INVALID_VERDICT, _("unknown verdict")))
    if decision not in Decision.values:
        errors.append(
            FieldError("decision", E.INVALID_DECISION, _("must be duplicate or not_duplicate"))
        )
    if justification not in ScreeningJustification.values:
        errors.append(
            FieldError("justification", E.INVALID_JUSTIFICATION, _("unknown justification code"))
        )
    elif justification == ScreeningJustification.OTHER and not note.strip():
        errors.append(FieldError("note", E.NOTE_REQUIRED, _("say why in the note")))
    elif (
        decision in Decision.values
        and justification not in FITTING_JUSTIFICATIONS[Decision(decision)]
    ):
        errors.append(
            FieldError("justification", E.JUSTIFICATION_MISMATCH, _("does not fit the decision"))
        )
    errors += _over_limit("note", note, DECISION_NOTE_MAX)
    errors += _over_limit("subject", subject, DECISION_SUBJECT_MAX)
    if errors:
        raise ValidationFailed(
            _("The decision cannot be recorded"), code=E.DECISION_INVALID, errors=errors
        )
    recorded = ScreeningDecision.objects.create(
        item=item,
        subject=subject[:200],
        verdict=verdict,
        decision=decision,
        justification=justification,
        note=note,
        actor=person,
        bureau=getattr(actor, "bureau", None),
    )
    audit_record(
        actor=actor,
        action="screening_decision",
        object_type="item",
        object_key=item.niin,
        reason=note,
        changes={
            "verdict": verdict,
            "decision": decision,
            "justification": justification,
            "subject": subject[:200],
        },
    )
    return recorded


# --- screening keys --------------------------------------------------------------------------


CATCH_UP_LIMIT = 10_000  # folded keys added per screening call at most (see catch-up)


def screening_key_refresh(reference: Reference) -> ReferenceScreeningKey:
    """Store (or correct) the folded key of one reference."""
    row, _created = ReferenceScreeningKey.objects.update_or_create(
        reference=reference, defaults=screening_key_fields(reference.number)
    )
    return row


def screening_key_fields(number: str) -> dict[str, str]:
    """The stored screening keys of one reference number."""
    return {"folded_key": folded_key(number)[:64], "translit_key": translit_key(number)[:64]}


def screening_keys_store(rows: Iterable[tuple[int, str]]) -> None:
    """Store (or correct) the keys of (reference id, number) pairs in bulk: the hook of the bulk
    write paths (imports, the demo generator), in their transaction."""
    _store_keys(list(rows))


def references_written_keys(sender: Any, rows: list[tuple[int, str]] | None, **_kw: Any) -> None:
    """Receiver of `catalog.signals.references_written`: keys of the references just written."""
    if rows is None:
        screening_keys_catch_up(limit=None)
    else:
        _store_keys(rows)


def screening_keys_catch_up(*, limit: int | None = CATCH_UP_LIMIT) -> int:
    """Add the folded keys of references newer than the newest that has one.

    References get ever larger ids, so this is two index look-ups when nothing is new. Screening
    calls it first, so references added since the last backfill are found by their folded key too;
    `screening_keys_backfill` (the `screening_keys` command) remains the complete pass after bulk
    loads, and also covers references whose transaction committed out of id order.
    """
    newest = (
        ReferenceScreeningKey.objects.order_by("-reference_id")
        .values_list("reference_id", flat=True)
        .first()
    )
    if limit is None:  # after a bulk write: every newer reference, in keyset batches
        return screening_keys_backfill(after=newest or 0)
    rows = list(
        Reference.objects.filter(pk__gt=newest or 0)
        .order_by("pk")
        .values_list("pk", "number")[:limit]
    )
    _store_keys(rows)
    return len(rows)


def _store_keys(rows: list[tuple[int, str]]) -> None:
    ReferenceScreeningKey.objects.bulk_create(
        [ReferenceScreeningKey(reference_id=pk, **screening_key_fields(n)) for pk, n in rows],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["reference"],
        update_fields=["folded_key", "translit_key"],
    )


def screening_keys_backfill(
    *, batch_size: int = 5000, on_progress: Any = None, after: int = 0
) -> int:
    """Add the folded key of every reference that has none, in keyset-ordered batches.

    Run after bulk loads (imports, the demo catalogue) that write references directly.
    """
    added = 0
    while True:
        batch = list(
            Reference.objects.filter(pk__gt=after)
            .filter(Q(screening_key__isnull=True) | Q(screening_key__translit_key=""))
            .order_by("pk")
            .values_list("pk", "number")[:batch_size]
        )
        if not batch:
            return added
        _store_keys(batch)
        added += len(batch)
        after = batch[-1][0]
        if on_progress:
            on_progress(added)
