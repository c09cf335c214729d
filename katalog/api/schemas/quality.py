"""Bodies of the data quality endpoints: the summary by bucket and rule, and the worst items."""

from __future__ import annotations

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
