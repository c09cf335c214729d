"""What every app's replica-apply services share: only the exchange calls them, and a received
state that names data this installation lacks is refused with the app's own error code."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from katalog.core.actors import SYSTEM_EXCHANGE, Actor
from katalog.core.errors import PermissionDenied, RuleViolation

# The audit action of a state applied from another installation, for every reference object.
RECEIVED = "received"


def require_exchange(actor: Actor, *, code: StrEnum) -> None:
    if actor is not SYSTEM_EXCHANGE:
        raise PermissionDenied(
            _("Only the exchange applies states received from other installations"), code=code
        )


def reference_missing(what: str, key: str, *, code: StrEnum) -> RuleViolation:
    return RuleViolation(
        _("The received state names %(what)s %(key)s, which this installation does not know")
        % {"what": what, "key": key},
        code=code,
        data={"what": what, "key": key},
    )
