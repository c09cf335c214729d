"""Reading the centre's queue of duplicate candidates across nations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.models import CENTRE_ROLES, BureauKind
from katalog.catalog.visibility import read_scope, visible_item_ids
from katalog.core.actors import is_system
from katalog.core.errors import NotFound, PermissionDenied, ValidationFailed
from katalog.core.paging import Page, keyset_page
from katalog.screening.errors import ScreeningErrorCode as E
from katalog.screening.explain import EvidenceCode, evidence_shown, explanation_texts
from katalog.screening.models import CandidateState, DuplicateCandidate, Verdict


def require_centre(actor: Any, permission: rights.Permission) -> None:
    """The queue belongs to the interstate centre: its people with a centre role (and the
    installation's own system actors) read and decide on it."""
    rights.require_permission(actor, permission)
    if is_system(actor):
        return
    bureau = getattr(actor, "bureau", None)
    if (
        bureau is None
        or bureau.kind != BureauKind.CENTRE
        or not rights.roles_of(actor) & CENTRE_ROLES
    ):
        raise PermissionDenied(
            _("Only the interstate centre works on duplicate candidates across nations"),
            code=E.CENTRE_ONLY,
        )


def duplicate_candidate_list(
    *, reader: Any, state: str = CandidateState.OPEN, after: int | None = None, limit: int = 50
) -> Page[DuplicateCandidate]:
    """Candidates in the order they were found, open ones unless `state` says otherwise."""
    require_centre(reader, rights.Permission.READ)
    rows = DuplicateCandidate.objects.select_related(
        "item__bureau", "candidate__bureau", "decided_by"
    )
    if state:
        if state not in CandidateState.values:
            raise ValidationFailed(
                _("Unknown state %(state)r") % {"state": state}, code=E.INVALID_STATE
            )
        rows = rows.filter(state=state)
    return keyset_page(rows, "id", after=after, limit=max(1, min(limit, 200)))


def duplicate_candidate_get(candidate_id: int, *, reader: Any) -> DuplicateCandidate:
    require_centre(reader, rights.Permission.READ)
    row = (
        DuplicateCandidate.objects.select_related("item__bureau", "candidate__bureau", "decided_by")
        .filter(pk=candidate_id)
        .first()
    )
    if row is None:
        raise NotFound(_("No such duplicate candidate"), code=E.CANDIDATE_NOT_FOUND)
    return row


# What is shown of a pair the reader may not see in full (as screening answers it).
RESTRICTED = {
    "kind": "release",
    "outcome": "match",
    "weight": 0.0,
    "code": EvidenceCode.RESTRICTED_CANDIDATE.value,
    "params": {},
    "data": {},
}


@dataclass(frozen=True)
class CandidateView:
    """A candidate as a person reads it: both catalogue numbers and bureaus, the verdict in
    words and the evidence in the reader's language."""

    id: int
    item: str
    item_bureau: str
    candidate: str
    candidate_bureau: str
    score: float
    verdict: str
    verdict_label: str
    state: str
    state_label: str
    explanation: list[str]  # the sentences of the evidence that counted
    evidence: list[dict[str, Any]]  # every piece with its codes, parameters and sentence
    decided_by: str
    decided_at: Any
    justification: str
    found_at: Any


def verdict_label(verdict: str) -> str:
    if verdict == Verdict.DUPLICATE:
        return _("probable duplicate of an existing item")
    return _("possible duplicate: needs review")


def candidate_views(rows: list[DuplicateCandidate], *, reader: Any) -> list[CandidateView]:
    """The rows told in the active language. Evidence about an item the reader may not see in
    full is replaced by the note that its assigning bureau releases it (as screening does)."""
    scope = read_scope(reader)
    full = visible_item_ids(scope, {i for r in rows for i in (r.item_id, r.candidate_id)})
    return [_view(row, full) for row in rows]


def _view(row: DuplicateCandidate, full: set[int]) -> CandidateView:
    if row.item_id in full and row.candidate_id in full:
        records = list(row.explanation)
    else:
        records = [RESTRICTED]
    evidence = [{**shown, "text": shown["detail"]} for shown in map(evidence_shown, records)]
    return CandidateView(
        id=row.pk,
        item=row.item.catalogue_number,
        item_bureau=row.item.bureau.key,
        candidate=row.candidate.catalogue_number,
        candidate_bureau=row.candidate.bureau.key,
        score=row.score,
        verdict=row.verdict,
        verdict_label=verdict_label(row.verdict),
        state=row.state,
        state_label=str(CandidateState(row.state).label),
        explanation=explanation_texts(records),
        evidence=evidence,
        decided_by=row.decided_by.username if row.decided_by else "",
        decided_at=row.decided_at,
        justification=row.justification,
        found_at=row.created_at,
    )
