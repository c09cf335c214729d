"""API tokens: made, checked and revoked here. The token is shown once; only its digest is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.models import ApiToken, User
from katalog.core.errors import NotFound, ValidationFailed

TOKEN_PREFIX = "kt_"
# Writing `last_used_at` on every request would turn each read into a write; a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *, actor: User | None, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the record and the token, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A token needs a name"), code="TOKEN_NAME_REQUIRED")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("The expiry date is in the past"), code="TOKEN_EXPIRY_PAST")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(token),
        expires_at=expires_at,
    )
    return record, token


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_get(token_id: int) -> ApiToken:
    record = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if record is None:
        raise NotFound(_("No API token %(id)s") % {"id": token_id}, code="TOKEN_NOT_FOUND")
    return record


def user_for_token(token: str) -> User | None:
    """The active user holding a usable (not revoked, not expired) token, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    record = (
        ApiToken.objects.usable_at(now)
        .filter(digest=token_digest(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    if record is None:
        return None
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
