"""Bodies of the data quality endpoints: the summary by bucket and rule, and the worst items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from katalog.api.schemas.jobs import JobOut


class BucketOut(Schema):
    low: int
    high: int
    count: int


class RuleFailuresOut(Schema):
    code: str
    message: str
    failed: int


class AverageOut(Schema):
    value: str
    label: str
    count: int
    average: float


class QualitySummaryOut(Schema):
    bureau: str | None
    scored: int
    average: float | None
    buckets: list[BucketOut]
    rules: list[RuleFailuresOut]
    groups: list[AverageOut]
    bureaus: list[AverageOut]
    months: list[AverageOut] = Field(
        description="Mean score of the items codified in each of the last twelve months"
    )
    trend: list[AverageOut] = Field(
        description="Mean score of the scored items as it stood at the end of each month"
    )


class FailedRuleOut(Schema):
    code: str
    message: str


class WorstItemOut(Schema):
    catalogue_number: str
    item_name: str
    score: int
    failed: list[FailedRuleOut]


class ReductionIn(Schema):
    lang: str | None = None


class GroupFiguresOut(Schema):
    """Groups of items where one would do: how many, their items, and how many could go."""

    clusters: int
    items: int
    spare: int
    by_group: dict[str, int]
    by_bureau: dict[str, int]


class ItemFiguresOut(Schema):
    items: int
    by_bureau: dict[str, int]


class RestrictedFiguresOut(Schema):
    """Items on a restrictive list in force that a nation still procures (its management
    data); `available` is false in a report run before the catalogue kept such lists."""

    items: int | None
    rows: int | None = Field(None, description="Management-data rows: one per item and nation")
    available: bool


class ReductionFiguresOut(Schema):
    items: int
    duplicates: GroupFiguresOut
    same_characteristics: GroupFiguresOut
    cancelled_registered: ItemFiguresOut
    without_users: ItemFiguresOut
    restricted_procured: RestrictedFiguresOut


class ReductionOut(Schema):
    job: JobOut
    figures: ReductionFiguresOut | None


class RuleOut(Schema):
    """A quality rule in force for the caller's bureau (for the centre: a global rule)."""

    code: str
    kind: str = Field(
        description="builtin, characteristic, name_language, min_references or reference_category"
    )
    kind_label: str
    weight: int = Field(description="0 to 100; a score is the share of the weights passed")
    active: bool
    version: int = Field(description="the version of the rule's definition")
    setting_version: int | None = Field(
        None, description="the version of the bureau's setting of a global rule, if it set one"
    )
    whose: str = Field(description="global (built-in or the centre's) or own (the bureau's)")
    adjusted: bool = Field(description="a global rule the bureau re-weighted or switched off")
    params: dict[str, Any]
    messages: dict[str, str] = Field(description="the rule's title per language")
    fixes: dict[str, str] = Field(description="the rule's fix hint per language")
    message: str = Field(description="what the rule asks for, in the caller's language")
    fix: str = Field(description="how to make a failing item pass, in the caller's language")
    may_set: bool = Field(description="the caller may set the weight and the switch")
    may_define: bool = Field(description="the caller may change parameters and texts")
    changes_version: int = Field(
        description="the version to send with a change by the caller (of a global rule's"
        " setting by a bureau: 0 until it set one)"
    )


class RuleVersionOut(Schema):
    version: int
    setting: bool = Field(description="a version of the bureau's setting of a global rule")
    weight: int
    active: bool
    params: dict[str, Any]
    messages: dict[str, str]
    fixes: dict[str, str]
    changed_by: str
    changed_at: dt.datetime
    reason: str


class RuleDetailOut(Schema):
    rule: RuleOut
    history: list[RuleVersionOut] = Field(description="every version, newest first")


class RuleIn(Schema):
    code: str = Field(
        description="the rule's code; the bureau's key is put before it unless it starts with it",
        examples=["RU_THREAD_DIAMETER"],
    )
    kind: str = Field(
        description="characteristic (params: characteristic), name_language (language),"
        " min_references (count) or reference_category (category); any kind may be limited"
        " to the items of an item_name or a supply_class"
    )
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"characteristic": "THDD"}])
    weight: int = 10
    active: bool = True
    messages: dict[str, str] = Field(description="the title per language, at least one")
    fixes: dict[str, str] = Field(default_factory=dict)
    reason: str = ""


class RulePatchIn(Schema):
    weight: int | None = None
    active: bool | None = None
    params: dict[str, Any] | None = None
    messages: dict[str, str] | None = None
    fixes: dict[str, str] | None = None
    version: int | None = Field(
        None,
        description="the version changed (of a global rule's setting by a bureau: 0 for its"
        " first); a newer stored version answers 412",
    )
    reason: str = ""
