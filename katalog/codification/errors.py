"""Stable error codes of codification requests: the API, the pages and the command line show them,
so a code is never renamed nor reused for a new meaning."""

from __future__ import annotations

from enum import StrEnum


class CodificationErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    REQUEST_LINE_NOT_FOUND = "REQUEST_LINE_NOT_FOUND"
    REQUEST_NOT_FOUND = "REQUEST_NOT_FOUND"
