"""Interchangeability families (NCS I&S) stated by a bureau: a family headed by an item, members
added with their relation to the master and the conditions, a member taken out or made the
master. Only the stating bureau changes its family; every change answers with the family as the
item read shows it (`GET /items/{number}` carries it as `interchange`)."""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, api_auth
from katalog.api.schemas import WRITE_PROBLEMS, responses
from katalog.api.schemas.catalog import InterchangeOut
from katalog.api.schemas.interchange import FamilyMasterIn, FamilyMemberIn
from katalog.catalog import interchange_selectors, selectors, services

router = Router(tags=["catalogue"])


def family_body(number: str, reader: Any) -> Any:
    item = selectors.item_get(number, reader=reader)
    return interchange_selectors.item_interchange(item.niin, reader)


@router.post(
    "/items/{number}/family",
    auth=api_auth,
    response=responses({201: InterchangeOut}, WRITE_PROBLEMS),
    operation_id="family_create",
    summary="State a family headed by the item (your bureau states it and alone changes it)",
)
def family_create(request: AuthenticatedRequest, number: str) -> Any:
    master = selectors.item_get(number, reader=request.auth)
    services.family_create(actor=request.auth, master=master)
    return Status(201, family_body(number, request.auth))


@router.post(
    "/items/{number}/family/members",
    auth=api_auth,
    response=responses({200: InterchangeOut}, WRITE_PROBLEMS),
    operation_id="family_member_add",
    summary="Add an item to the family of this item, with its relation to the master",
)
def family_member_add(request: AuthenticatedRequest, number: str, payload: FamilyMemberIn) -> Any:
    family = interchange_selectors.family_of(selectors.item_get(number, reader=request.auth))
    services.family_member_add(
        actor=request.auth,
        family=family,
        item=selectors.item_for_field(payload.item, "item", reader=request.auth),
        relation=payload.relation,
        conditions=payload.conditions,
    )
    return family_body(number, request.auth)


@router.delete(
    "/items/{number}/family/members/{member}",
    auth=api_auth,
    response=responses({200: InterchangeOut}, WRITE_PROBLEMS),
    operation_id="family_member_remove",
    summary="Take a member out of the family of this item",
)
def family_member_remove(request: AuthenticatedRequest, number: str, member: str) -> Any:
    family = interchange_selectors.family_of(selectors.item_get(number, reader=request.auth))
    services.family_member_remove(
        actor=request.auth, family=family, item=selectors.item_get(member, reader=request.auth)
    )
    return family_body(number, request.auth)


@router.put(
    "/items/{number}/family/master",
    auth=api_auth,
    response=responses({200: InterchangeOut}, WRITE_PROBLEMS),
    operation_id="family_master_set",
    summary="Make a member the master of the family of this item",
)
def family_master_set(request: AuthenticatedRequest, number: str, payload: FamilyMasterIn) -> Any:
    family = interchange_selectors.family_of(selectors.item_get(number, reader=request.auth))
    services.family_master_set(
        actor=request.auth,
        family=family,
        item=selectors.item_for_field(payload.item, "item", reader=request.auth),
    )
    return family_body(number, request.auth)
