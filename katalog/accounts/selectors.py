"""Reads of bureaus and their codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.errors import AccountsErrorCode as E
from katalog.accounts.models import Bureau, BureauCode
from katalog.core.errors import NotFound, RuleViolation
from katalog.core.paging import HISTORY_PAGE, Page, keyset_page


def bureau_find(key: str, *, or_user_code: bool = True) -> Bureau | None:
    """The one lookup of a bureau: by its key (RU) or, unless told not to, its user code (YU),
    in any case and with surrounding spaces ignored; None when no bureau answers to it."""
    text = (key or "").strip().upper()
    condition = Q(key=text) | Q(user_code=text) if or_user_code else Q(key=text)
    return Bureau.objects.filter(condition).order_by("key").first()


def bureau_by_key(key: str) -> Bureau:
    """A bureau by its key or user code (`bureau_find`); 404 BUREAU_NOT_FOUND if none."""
    bureau = bureau_find(key)
    if bureau is None:
        raise NotFound(_("Unknown bureau %(key)s") % {"key": key}, code=E.BUREAU_NOT_FOUND)
    return bureau


def bureau_code_holder(code: str, on: dt.date | None = None) -> Bureau:
    """The bureau that holds a 2-digit code on a date (today by default).

    Numbers issued under a code that has since moved stay with the holder at issue time;
    when the date of issue is unknown, the latest holder is used.
    """
    on = on or timezone.localdate()
    rows = BureauCode.objects.filter(code=code).select_related("bureau")
    current = rows.valid_at(on).first()
    if current:
        return current.bureau
    latest = rows.order_by("-valid_from").first()
    if latest:
        return latest.bureau
    raise RuleViolation(
        _("No bureau holds the bureau code %(code)s") % {"code": code}, code=E.BUREAU_CODE_UNKNOWN
    )


def current_code_of(bureau: Bureau, on: dt.date | None = None) -> str:
    """The code under which a bureau issues new numbers today."""
    on = on or timezone.localdate()
    row = BureauCode.objects.filter(bureau=bureau).valid_at(on).order_by("-valid_from").first()
    if row is None:
        raise RuleViolation(
            _("Bureau %(key)s holds no valid bureau code") % {"key": bureau.key},
            code=E.BUREAU_HAS_NO_CODE,
        )
    return row.code


def user_history(
    username: str, *, reader: Any, after: int | None = None, limit: int = HISTORY_PAGE
) -> Page[dict[str, Any]]:
    """What happened to a person's account (created, roles, password, tokens), oldest first:
    read by the person, the administrators of their bureau and the installation's operators."""
    from katalog.accounts import rights
    from katalog.accounts.models import User
    from katalog.audit.selectors import history_entry, object_history

    user = User.objects.filter(username=username).select_related("bureau").first()
    own = user is not None and getattr(reader, "pk", None) == user.pk
    administers = (
        user is not None
        and rights.has_permission(reader, rights.Permission.MANAGE_RIGHTS)
        and (rights.is_operator(reader) or getattr(reader, "bureau_id", None) == user.bureau_id)
    )
    if not (own or administers):
        raise NotFound(_("No user %(name)s") % {"name": username}, code=E.USER_NOT_FOUND)
    rows = object_history("user", username)
    page = keyset_page(rows, "seq", after=after, limit=limit)
    return page.map(lambda e: history_entry(e, show_names=True))


def bureau_names() -> dict[str, dict[str, str]]:
    """Every bureau's names by its key (a few dozen rows, read once per call)."""
    return dict(Bureau.objects.values_list("key", "names"))
