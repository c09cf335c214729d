"""Bodies of the exchange endpoints: the feed, its origins and the status of the peers."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from katalog.exchange import feed


class ExchangeFeedQuery(Schema):
    origin: str = Field(max_length=40, description="The node whose events are wanted")
    after: int = Field(0, ge=0, description="The last sequence number the caller holds")
    limit: int = Field(feed.FEED_PAGE_MAX, ge=1, le=feed.FEED_PAGE_MAX)


class ExchangeFeedOut(Schema):
    origin: str
    events: list[dict] = Field(description="Signed events in sequence order")
    last_seq: int = Field(description="The origin's last sequence number held here")


class ExchangeOriginsOut(Schema):
    origins: dict[str, int] = Field(description="Each origin held here with its last sequence")


class ExchangePeerOut(Schema):
    origin: str
    bureau: str
    url: str
    applied_seq: int
    received_seq: int
    waiting_for: int | None = Field(description="The sequence number applying waits for")
    waiting: int
    lag_events: int
    lag_seconds: float | None
    transport: str
    problems: int


class ExchangeStatusOut(Schema):
    node: str
    bureau: str
    last_seq: int
    peers: list[ExchangePeerOut]
