"""Stable error codes of data quality and the nomenclature-reduction report: the API, the pages
and the command line show them, so a code is never renamed nor reused for a new meaning."""

from __future__ import annotations

from enum import StrEnum


class QualityErrorCode(StrEnum):
    CLUSTER_NOT_FOUND = "CLUSTER_NOT_FOUND"
    KEPT_NOT_IN_CLUSTER = "KEPT_NOT_IN_CLUSTER"
    NOT_IN_CLUSTER = "NOT_IN_CLUSTER"
    REPORT_NOT_FOUND = "REPORT_NOT_FOUND"
    RULE_CODE_INVALID = "RULE_CODE_INVALID"
    RULE_EXISTS = "RULE_EXISTS"
    RULE_KIND_UNKNOWN = "RULE_KIND_UNKNOWN"
    RULE_MESSAGE_REQUIRED = "RULE_MESSAGE_REQUIRED"
    RULE_NOT_CHANGEABLE = "RULE_NOT_CHANGEABLE"
    RULE_NOT_FOUND = "RULE_NOT_FOUND"
    RULE_OF_ANOTHER_BUREAU = "RULE_OF_ANOTHER_BUREAU"
    RULE_PARAMS_INVALID = "RULE_PARAMS_INVALID"
    RULE_TEXT_INVALID = "RULE_TEXT_INVALID"
    RULE_VERSION_STALE = "RULE_VERSION_STALE"
    RULE_WEIGHT_INVALID = "RULE_WEIGHT_INVALID"
