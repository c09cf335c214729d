"""Bodies of the interchangeability-family writes: a member added with its relation to the
master and the conditions, and the member made the master."""

from __future__ import annotations

from ninja import Field, Schema

from katalog.catalog.models import InterchangeRelation


class FamilyMemberIn(Schema):
    item: str = Field(description="The catalogue number of the item to add")
    relation: InterchangeRelation = Field(
        description="To the master: two_way, replaces_master or replaced_by_master"
    )
    conditions: str = Field("", description="When the replacement holds (free text)")


class FamilyMasterIn(Schema):
    item: str = Field(description="The catalogue number of the member to make the master")
