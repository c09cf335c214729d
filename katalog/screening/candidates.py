"""Screening across nations at the interstate centre.

As each nation's items arrive at the centre, each is screened against the items of the other
assigning bureaus: the same reference number codified by two nations, or two items whose key
characteristics match, becomes a `DuplicateCandidate` in the centre's queue with its evidence,
until a person of the centre confirms or dismisses it. Two items of one bureau are that
bureau's own screening (at codification), not the centre's.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.audit.services import audit_record
from katalog.catalog.models import CANCELLED_STATUSES, CharacteristicValue, Item
from katalog.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from katalog.screening.errors import ScreeningErrorCode as E
from katalog.screening.models import CandidateState, DuplicateCandidate, Verdict
from katalog.screening.selectors import require_centre
from katalog.screening.services import Candidate, ReferenceInput, ScreeningInput, screen

# Candidates asked of screening: enough that items of other bureaus are not crowded out by
# the screened item's own bureau's items.
CANDIDATE_LIMIT = 50
RECORDED_VERDICTS = frozenset({Verdict.DUPLICATE.value, Verdict.REVIEW.value})
VALUE_FIELDS = ("raw", "qualifier", "unit_code", "value", "value_max", "code", "text", "flag")
DECISIONS = {"confirm": CandidateState.CONFIRMED, "dismiss": CandidateState.DISMISSED}
OBJECT_TYPE = "duplicate_candidate"  # local to the centre: never an event of the exchange


def item_screening_input(item: Item) -> ScreeningInput:
    """What screening compares of an item already in the catalogue: its references with their
    manufacturers, its item name and supply class and its key characteristic values."""
    references = item.references.select_related("manufacturer").order_by("pk")
    values = CharacteristicValue.objects.filter(
        item=item, characteristic__is_key=True
    ).select_related("characteristic")
    return ScreeningInput(
        references=tuple(
            ReferenceInput(number=r.number, manufacturer_code=r.manufacturer.code)
            for r in references
        ),
        item_name_code=item.item_name.code,
        supply_class=item.supply_class,
        parsed_characteristics={
            v.characteristic.code: {f: getattr(v, f) for f in VALUE_FIELDS} for v in values
        },
        exclude_item_ids=(item.pk,),
    )


@transaction.atomic
def cross_nation_screen(*, actor: Any, item: Item) -> list[DuplicateCandidate]:
    """Screen one item against the items of the other assigning bureaus and keep each pair
    whose verdict is "duplicate" or "review". Screening again updates the open pairs and adds
    the new ones, never a second row; a decided pair keeps the evidence it was decided on."""
    require_centre(actor, rights.Permission.CATALOGUE)
    item = Item.objects.select_related("item_name", "bureau").get(pk=item.pk)
    if item.status in CANCELLED_STATUSES:
        return []  # a cancelled item is no longer a duplicate to resolve
    try:
        result = screen(item_screening_input(item), reader=actor, limit=CANDIDATE_LIMIT)
    except ValidationFailed:
        return []  # nothing on the item that screening can compare
    found = [c for c in result.candidates if c.verdict in RECORDED_VERDICTS]
    others = {
        other.pk: other
        for other in Item.objects.filter(pk__in=[c.item_id for c in found])
        .exclude(bureau_id=item.bureau_id)
        .select_related("item_name", "bureau")
    }
    return [
        _candidate_keep(actor, item, others[c.item_id], c) for c in found if c.item_id in others
    ]


def _explanation(found: Candidate) -> list[dict[str, Any]]:
    """The evidence as stored: codes and parameters (with the names it speaks of in every
    language), told in each reader's language when read (`explain.evidence_shown`)."""
    return [asdict(e) for e in found.evidence]


def _pair(a: Item, b: Item) -> Q:
    return Q(item=a, candidate=b) | Q(item=b, candidate=a)


def _candidate_keep(actor: Any, item: Item, other: Item, found: Candidate) -> DuplicateCandidate:
    fields = {
        "score": found.score,
        "verdict": found.verdict,
        "explanation": _explanation(found),
    }
    row = DuplicateCandidate.objects.select_for_update().filter(_pair(item, other)).first()
    if row is None:
        try:
            with transaction.atomic():
                row = DuplicateCandidate.objects.create(item=item, candidate=other, **fields)
        except IntegrityError:
            # Recorded meanwhile by the screening of the other item of the pair.
            row = DuplicateCandidate.objects.select_for_update().get(_pair(item, other))
        else:
            _audit_found(actor, row)
            return row
    if row.state != CandidateState.OPEN:
        return row
    fields.update(item=item, candidate=other)
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, fields[name])
        row.save(update_fields=[*changed, "updated_at"])
    return row


def _pair_key(row: DuplicateCandidate) -> str:
    return "~".join(sorted((row.item.niin, row.candidate.niin)))


def _audit_found(actor: Any, row: DuplicateCandidate) -> None:
    audit_record(
        actor=actor,
        action="duplicate_candidate_found",
        object_type=OBJECT_TYPE,
        object_key=_pair_key(row),
        changes={
            "item": row.item.catalogue_number,
            "candidate": row.candidate.catalogue_number,
            "score": row.score,
            "verdict": row.verdict,
        },
    )


@transaction.atomic
def candidate_decide(
    *, actor: Any, candidate: DuplicateCandidate, decision: str, justification: str
) -> DuplicateCandidate:
    """A person of the centre confirms the pair as one item codified twice, or dismisses it,
    saying why. Recorded with who and when, in the audit log."""
    if getattr(actor, "pk", None) is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(
            _("Only a signed-in person can decide on a screening candidate"),
            code=E.DECISION_NEEDS_PERSON,
        )
    require_centre(actor, rights.Permission.READ)
    _check_decision(decision, justification)
    row = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("item", "candidate")
        .get(pk=candidate.pk)
    )
    if row.state != CandidateState.OPEN:
        raise Conflict(
            _("This duplicate candidate has been decided already"), code=E.CANDIDATE_DECIDED
        )
    row.state = DECISIONS[decision]
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.justification = justification.strip()
    row.save(update_fields=["state", "decided_by", "decided_at", "justification", "updated_at"])
    audit_record(
        actor=actor,
        action="duplicate_candidate_decided",
        object_type=OBJECT_TYPE,
        object_key=_pair_key(row),
        reason=row.justification,
        changes={
            "item": row.item.catalogue_number,
            "candidate": row.candidate.catalogue_number,
            "state": row.state,
        },
    )
    return row


def _check_decision(decision: str, justification: str) -> None:
    errors = []
    if decision not in DECISIONS:
        errors.append(FieldError("decision", E.INVALID_DECISION, _("must be confirm or dismiss")))
    if not justification.strip():
        errors.append(
            FieldError("justification", E.JUSTIFICATION_REQUIRED, _("say why you decided so"))
        )
    if errors:
        raise ValidationFailed(
            _("The decision cannot be recorded"), code=E.DECISION_INVALID, errors=errors
        )
