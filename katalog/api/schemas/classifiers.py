"""Bodies of the classifier endpoints: versions, codes, changes, correspondences, amendments,
tables, findings and manufacturers' matches."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class VersionOut(Schema):
    slug: str
    classification: str
    name: str
    names: dict[str, str]
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    languages: list[str]
    history: str = Field(
        description="complete, or as_published: the content is a release's state and earlier "
        "states are known only through recorded amendments"
    )
    as_published_on: dt.date | None = Field(description="The date of the published state")
    known_from: dt.date | None = Field(
        description="The first day whose codes are known (null: as published, date unknown)"
    )
    history_note: str
    legal_base: str


class ClassificationOut(Schema):
    slug: str
    family: str
    name: str
    names: dict[str, str]
    owner: str
    kind: str = Field(
        "activity", description="activity, or control_list for an export-control list (dual-use)"
    )
    versions: list[VersionOut]


class CodeOut(Schema):
    version: str
    code: str
    level: str
    parent: str | None
    name: str
    names: dict[str, str]
    notes: dict[str, str] = {}


class CodeDetailOut(CodeOut):
    path: list[CodeOut]
    children: list[CodeOut]


class ChangeOut(Schema):
    kind: str
    source_codes: list[str]
    target_codes: list[str]
    source_title: str
    target_title: str


class ChangesOut(Schema):
    source: str
    target: str
    table: str | None
    counts: dict[str, int]
    changes: list[ChangeOut]


class HopOut(Schema):
    source: str
    target: str
    table: str | None = Field(description="null for a step inside one version")
    reversed: bool
    kind: str = Field(description="official or derived")
    link: str = Field(description="full or partial")
    basis: str = Field(description="flag, fan_out, identity, ancestor or composed")
    notes: str


class StepOut(Schema):
    table: str
    source: str
    target: str
    reversed: bool
    kind: str
    method: str


class MatchOut(CodeOut):
    rank: int
    support: str = Field(description="identity, full, partial or rollup (best first)")
    confidence: float = Field(
        description="Share of the source the tables send to this target (1 for identity)"
    )
    best: bool = Field(description="Among the best-supported targets")
    children: int = Field(description="Rolled up: children of the source followed")
    children_supporting: int = Field(description="Rolled up: children reaching this target")
    is_official: bool
    chain: list[HopOut] = Field(description="The trail that supports the target best")
    paths: list[list[HopOut]]


class CorrespondenceOut(Schema):
    source: CodeOut
    target_version: str
    via_ancestor: str | None
    rolled_up: bool
    all: bool
    shown: int
    total: int
    route: list[StepOut]
    matches: list[MatchOut]


class AmendmentChangeOut(Schema):
    kind: str
    code: str
    old_names: dict[str, str]
    new_names: dict[str, str]


class AmendmentOut(Schema):
    number: str
    in_force_from: dt.date
    legal_act: dict[str, str]
    changes: list[AmendmentChangeOut]


class TableOut(Schema):
    slug: str
    source: str
    target: str
    kind: str
    method: str
    notes: dict[str, str]
    route: list[str]


class FindingOut(Schema):
    version: str | None
    table: str | None
    file: str
    line: int | None
    code: str
    item_code: str
    message: str
    action: str


class ManufacturerMatchOut(Schema):
    manufacturer: str
    name: str
    country: str | None
    version: str
    code: str
    is_primary: bool
    via: str
