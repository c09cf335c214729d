"""Stable error codes of item names, identification guides and their characteristics: the API,
the pages and the command line show them, so a code is never renamed nor reused."""

from __future__ import annotations

from enum import StrEnum


class NamesErrorCode(StrEnum):
    GUIDE_NOT_FOUND = "GUIDE_NOT_FOUND"
    ITEM_NAME_NOT_FOUND = "ITEM_NAME_NOT_FOUND"
    REPLY_CODE_UNKNOWN = "REPLY_CODE_UNKNOWN"
    REPLY_EMPTY = "REPLY_EMPTY"
    REPLY_NOT_BOOLEAN = "REPLY_NOT_BOOLEAN"
    UNKNOWN_CHARACTERISTIC = "UNKNOWN_CHARACTERISTIC"
    EXCHANGE_ONLY = "EXCHANGE_ONLY"
    REFERENCE_DATA_MISSING = "REFERENCE_DATA_MISSING"
    REFERENCE_DATA_IN_USE = "REFERENCE_DATA_IN_USE"
    FIELD_NOT_CHANGEABLE = "FIELD_NOT_CHANGEABLE"
