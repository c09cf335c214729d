"""Stable error codes of background jobs: the API, the pages and the command line show them, so
a code is never renamed nor reused for a new meaning."""

from __future__ import annotations

from enum import StrEnum


class JobErrorCode(StrEnum):
    FILE_REQUIRED = "FILE_REQUIRED"
    INVALID_PARAMS = "INVALID_PARAMS"
    JOB_FILES_REMOVED = "JOB_FILES_REMOVED"
    JOB_FILE_NOT_FOUND = "JOB_FILE_NOT_FOUND"
    JOB_NOT_FOUND = "JOB_NOT_FOUND"
    JOB_NOT_QUEUED = "JOB_NOT_QUEUED"
    NOT_OWN_JOB = "NOT_OWN_JOB"
    PERSON_REQUIRED = "PERSON_REQUIRED"
    UNKNOWN_JOB_KIND = "UNKNOWN_JOB_KIND"
