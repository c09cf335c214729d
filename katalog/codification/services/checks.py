"""The limits and checks of what a person types into a codification request, shared by every
write of the package.

Text limits. Every free text a person types into a request is limited here, for the API, the
pages and the command line alike (docs/limits.md); a longer text is refused with ValidationFailed
`TEXT_TOO_LONG` on its field, naming the limit, and nothing is stored:

    title 200 · project code 20 · contract number 60 · name as proposed 200 ·
    characteristic reply 200 · locale 8 · decision note 2,000 · reason of a step 2,000 ·
    document title 200
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from katalog.catalog.services import checks as catalog_checks
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import RequestPriority
from katalog.core.errors import FieldError, ValidationFailed

TITLE_MAX = 200
PROJECT_CODE_MAX = 20
CONTRACT_NUMBER_MAX = 60
NAME_TEXT_MAX = 200
REPLY_MAX = 200
LOCALE_MAX = 8
NOTE_MAX = 2_000
REASON_MAX = 2_000
DOCUMENT_TITLE_MAX = 200


def limited(field: str, value: str, limit: int) -> str:
    """The text as typed, or ValidationFailed TEXT_TOO_LONG naming the limit (nothing stored):
    the catalogue's one text limit."""
    return catalog_checks.text_limit(field, value, limit)


def limit_error(field: str, value: str, limit: int) -> FieldError:
    """The field error `limited` gives a text over its limit (to report it with others)."""
    try:
        limited(field, value, limit)
    except ValidationFailed as exc:
        return exc.errors[0]
    raise AssertionError(field)  # only called for a text over its limit


def check_priority(priority: str) -> str:
    if priority not in RequestPriority.values:
        raise ValidationFailed(
            _("Unknown priority %(priority)r") % {"priority": priority},
            code=E.UNKNOWN_PRIORITY,
            errors=[FieldError("priority", E.UNKNOWN_PRIORITY, ", ".join(RequestPriority.values))],
        )
    return priority
