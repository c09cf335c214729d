"""Stable error codes of the search box: the API, the pages and the command line show them, so a
code is never renamed nor reused for a new meaning."""

from __future__ import annotations

from enum import StrEnum


class SearchErrorCode(StrEnum):
    AMBIGUOUS_CHARACTERISTIC = "AMBIGUOUS_CHARACTERISTIC"
    INVALID_CHARACTERISTIC_FILTER = "INVALID_CHARACTERISTIC_FILTER"
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_LIMIT = "INVALID_LIMIT"
    INVALID_LIST_KIND = "INVALID_LIST_KIND"
    INVALID_MONTH = "INVALID_MONTH"
    INVALID_QUALITY = "INVALID_QUALITY"
    INVALID_SORT = "INVALID_SORT"
    REPLY_CODE_UNKNOWN = "REPLY_CODE_UNKNOWN"
    UNKNOWN_CHARACTERISTIC = "UNKNOWN_CHARACTERISTIC"
