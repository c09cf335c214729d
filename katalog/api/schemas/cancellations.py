"""Bodies of the proposals to cancel an item as a duplicate of another."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CancellationProposalIn(Schema):
    item: str = Field(description="The catalogue number of the item to cancel")
    kept: str = Field(description="The catalogue number of the item to keep")
    note: str = ""


class CancellationDecisionIn(Schema):
    reason: str = Field("", description="Why; required to reject")


class CancellationProposalOut(Schema):
    id: int
    item: str
    kept: str
    item_bureau: str = Field(description="The assigning bureau, whose approver decides")
    proposing_bureau: str
    proposed_by: str
    note: str
    source: str
    state: str = Field(description="open, approved or rejected")
    state_name: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime


class CancellationProposalPage(Schema):
    items: list[CancellationProposalOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")
