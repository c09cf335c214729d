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
