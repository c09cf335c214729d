"""Stable error codes of data quality and the nomenclature-reduction report: the API, the pages
and the command line show them, so a code is never renamed nor reused for a new meaning."""

from __future__ import annotations

from enum import StrEnum


class QualityErrorCode(StrEnum):
    CLUSTER_NOT_FOUND = "CLUSTER_NOT_FOUND"
    KEPT_NOT_IN_CLUSTER = "KEPT_NOT_IN_CLUSTER"
    NOT_IN_CLUSTER = "NOT_IN_CLUSTER"
    REPORT_NOT_FOUND = "REPORT_NOT_FOUND"
