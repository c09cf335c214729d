"""Stable error codes of the reference data (supply groups and classes, code tables): the API,
the pages and the command line show them, so a code is never renamed nor reused."""

from __future__ import annotations

from enum import StrEnum


class RefdataErrorCode(StrEnum):
    CODE_TABLE_NOT_FOUND = "CODE_TABLE_NOT_FOUND"
    SUPPLY_CLASS_NOT_FOUND = "SUPPLY_CLASS_NOT_FOUND"
    SUPPLY_GROUP_NOT_FOUND = "SUPPLY_GROUP_NOT_FOUND"
    EXCHANGE_ONLY = "EXCHANGE_ONLY"
    REFERENCE_DATA_MISSING = "REFERENCE_DATA_MISSING"
