"""Domain exceptions: raised by services, mapped once to problem+json (API) and exit codes (CLI).

Every error has a stable UPPER_SNAKE `code`; a code is never reused for a new meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class KatalogError(Exception):
    """Base of all domain errors."""

    status: int = 400
    exit_code: int = 1
    default_code: str = "KATALOG_ERROR"
    title: str = "Request cannot be processed"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errors: list[FieldError] | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.errors = errors or []
        self.data = data or {}

    def __str__(self) -> str:
        return self.message


class NotFound(KatalogError):
    status = 404
    exit_code = 3
    default_code = "NOT_FOUND"
    title = "Not found"


class AuthenticationRequired(KatalogError):
    status = 401
    exit_code = 6
    default_code = "AUTHENTICATION_REQUIRED"
    title = "Authentication required"


class PermissionDenied(KatalogError):
    status = 403
    exit_code = 6
    default_code = "PERMISSION_DENIED"
    title = "Permission denied"


class Gone(KatalogError):
    status = 410
    exit_code = 3
    default_code = "GONE"
    title = "No longer available"


class Conflict(KatalogError):
    status = 409
    exit_code = 5
    default_code = "CONFLICT"
    title = "Conflict"


class PreconditionFailed(KatalogError):
    status = 412
    exit_code = 5
    default_code = "VERSION_STALE"
    title = "The record has changed since it was read"


class PreconditionRequired(KatalogError):
    """An update was sent without saying which version it changes (no `If-Match`)."""

    status = 428
    exit_code = 5
    default_code = "IF_MATCH_REQUIRED"
    title = "The version of the record is required"


class RuleViolation(KatalogError):
    status = 422
    exit_code = 4
    default_code = "RULE_VIOLATION"
    title = "Business rule violated"


class ValidationFailed(KatalogError):
    status = 422
    exit_code = 4
    default_code = "VALIDATION_FAILED"
    title = "Invalid input"


@dataclass
class RowError:
    """One rejected input row, as reported by imports: line number, column and reason."""

    line: int
    column: str
    code: str
    message: str
    raw: dict[str, Any] = field(default_factory=dict)


class CoreErrorCode(StrEnum):
    """Stable error codes of the command line's own checks (who acts): scripts act on them, so a
    code is never renamed nor reused for a new meaning."""

    ACTOR_REQUIRED = "ACTOR_REQUIRED"
    USER_NOT_FOUND = "USER_NOT_FOUND"
