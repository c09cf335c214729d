"""API tokens: made, checked and revoked here. The token is shown once; only its digest is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.errors import AccountsErrorCode as E
from katalog.accounts.models import ApiToken, TokenScope, User
from katalog.accounts.services import check_scope, require_token_authority, token_expiry
from katalog.audit.services import audit_record
from katalog.core.actors import Actor
from katalog.core.errors import NotFound, ValidationFailed

TOKEN_PREFIX = "kt_"  # noqa: S105 (the public prefix that marks a token, not a secret)
# Writing `last_used_at` on every request would turn each read into a write; a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    scope: str = TokenScope.WRITE,
    never_expires: bool = False,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the record and the token, which is never shown again.

    The token works while it is not revoked or expired and the user keeps the password (and
    the active state) they had when it was made."""
    require_token_authority(actor, user)
    scope = check_scope(scope)
    if expires_at is None and not never_expires:
        expires_at = token_expiry(None)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A token needs a name"), code=E.TOKEN_NAME_REQUIRED)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("The expiry date is in the past"), code=E.TOKEN_EXPIRY_PAST)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(token),
        expires_at=expires_at,
        scope=scope,
        auth_stamp=user.auth_stamp,
    )
    audit_record(
        actor=actor,
        action="token_created",
        object_type="user",
        object_key=user.username,
        changes={
            "after": {
                "token": record.prefix,
                "scope": str(scope),
                "name": name,
                "expires_at": expires_at.isoformat() if expires_at else None,
            }
        },
    )
    return record, token


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    require_token_authority(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="token_revoked",
            object_type="user",
            object_key=token.user.username,
            changes={"before": {"token": token.prefix}},
        )
    return token


def token_get(token_id: int) -> ApiToken:
    record = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if record is None:
        raise NotFound(_("No API token %(id)s") % {"id": token_id}, code=E.TOKEN_NOT_FOUND)
    return record


def token_for_secret(token: str) -> ApiToken | None:
    """The usable token record (not revoked, not expired, made under the user's current
    password and active state), with its user, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    record = (
        ApiToken.objects.usable_at(now)
        .filter(digest=token_digest(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    if record is None or record.auth_stamp != record.user.auth_stamp:
        return None
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        # Bookkeeping of the token itself, not a change of data: not audited.
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record


def user_for_token(token: str) -> User | None:
    record = token_for_secret(token)
    return record.user if record is not None else None
