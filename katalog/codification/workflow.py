"""The workflow of a codification request as one explicit table of transitions.

    draft ──submit──▶ submitted ──screen──▶ screened ──decide──▶ decided ──approve──▶ approved
                                              ▲  ▲                  │                   │
                                              │  └──────return──────┘                publish
                                              │                                         ▼
                                              └──────────────reopen─── approved     published
    submitted / screened / decided ──reject──▶ rejected

`reopen` is the way out of an approved request that cannot be published (a decision whose effect
became true meanwhile, an item cancelled since): it goes back to decision with the reason said.

Decisions take effect at *publish*: approval is the second person's check, publishing is the
one transaction that writes the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext as _

from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import RequestState as S
from katalog.core.errors import Conflict

# The names of the steps, as a type for the front ends' schemas (the API takes a step by its
# name in the path); the table below has exactly these.
TransitionName = Literal[
    "submit", "screen", "decide", "return", "approve", "publish", "reopen", "reject"
]


@dataclass(frozen=True)
class Transition:
    name: TransitionName
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED),
        Transition("screen", frozenset({S.SUBMITTED}), S.SCREENED),
        Transition("decide", frozenset({S.SCREENED}), S.DECIDED),
        Transition("return", frozenset({S.DECIDED}), S.SCREENED),
        Transition("approve", frozenset({S.DECIDED}), S.APPROVED),
        Transition("publish", frozenset({S.APPROVED}), S.PUBLISHED),
        Transition("reopen", frozenset({S.APPROVED}), S.SCREENED),
        Transition("reject", frozenset({S.SUBMITTED, S.SCREENED, S.DECIDED}), S.REJECTED),
    )
}


def transition_target(name: str, state: str) -> str:
    """The state a transition leads to from `state`; Conflict ILLEGAL_TRANSITION if none."""
    transition = TRANSITIONS.get(name)
    if transition is None or state not in transition.sources:
        # Said with the state's name in the reader's language: the codes are for the data.
        label = S(state).label if state in S.values else state
        raise Conflict(
            _("The request is now “%(state)s”: this step is not possible in that state")
            % {"state": label},
            code=E.ILLEGAL_TRANSITION,
            data={"state": state, "transition": name, "allowed": allowed_transitions(state)},
        )
    return transition.target


def allowed_transitions(state: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if state in t.sources]
