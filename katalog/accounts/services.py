"""Writes of users, rights and tokens. Each takes the actor, checks that the actor may manage
the rights of the bureau concerned, and records what it did in the audit log.

A bureau's administrator manages the people of that bureau only; the installation's operator
(the system actor of the console commands) may create the first administrators anywhere.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.errors import AccountsErrorCode as E
from katalog.accounts.models import Bureau, Role, RoleGrant, TokenScope, User
from katalog.audit.services import audit_record
from katalog.core.actors import Actor, actor_name
from katalog.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed

GENERATED_PASSWORD_BYTES = 18
USERNAME_MAX = 150


def require_rights_over(actor: Actor, bureau: Bureau | None) -> None:
    """The actor manages rights, and in this bureau (the operator: in any)."""
    rights.require_permission(actor, rights.Permission.MANAGE_RIGHTS)
    if rights.is_operator(actor):
        return
    if bureau is None or actor.bureau_id != bureau.pk:
        raise PermissionDenied(
            _("Rights in bureau %(bureau)s are managed by its own administrator")
            % {"bureau": bureau.key if bureau else "—"},
            code=E.NOT_OWN_BUREAU,
        )


def check_password(password: str, user: User) -> None:
    """Django's validators (length at least 12, not common, not all digits, not like the name)."""
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise ValidationFailed(
            " ".join(messages),
            code=E.WEAK_PASSWORD,
            errors=[FieldError("password", E.WEAK_PASSWORD, m) for m in messages],
        ) from None


def generated_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def check_role(role: str, bureau: Bureau) -> Role:
    if role not in Role.values:
        raise ValidationFailed(
            _("Unknown role %(role)r") % {"role": role},
            code=E.UNKNOWN_ROLE,
            errors=[FieldError("role", E.UNKNOWN_ROLE, ", ".join(Role.values))],
        )
    if not rights.role_fits_bureau(role, bureau):
        raise ValidationFailed(
            _("The role %(role)s exists only in the interstate centre")
            % {"role": Role(role).label},
            code=E.ROLE_NOT_FOR_BUREAU,
            errors=[FieldError("role", E.ROLE_NOT_FOR_BUREAU, str(Role(role).label))],
        )
    return Role(role)


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    bureau: Bureau,
    password: str,
    roles: list[str] | None = None,
    email: str = "",
) -> User:
    """Create a person in a bureau with a checked password and, optionally, their roles."""
    require_rights_over(actor, bureau)
    username = username.strip()
    if not username or len(username) > USERNAME_MAX:
        raise ValidationFailed(
            _("A user name has 1 to %(max)d characters") % {"max": USERNAME_MAX},
            code=E.INVALID_USERNAME,
            errors=[FieldError("username", E.INVALID_USERNAME, _("1 to 150 characters"))],
        )
    if User.objects.filter(username=username).exists():
        raise Conflict(_("User %(name)s already exists") % {"name": username}, code=E.USER_EXISTS)
    user = User(username=username, bureau=bureau, email=email)
    check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user_created",
        object_type="user",
        object_key=username,
        changes={"after": {"bureau": bureau.key, "email": email}},
    )
    for role in roles or []:
        role_grant(actor=actor, user=user, role=role)
    return user


@transaction.atomic
def role_grant(*, actor: Actor, user: User, role: str) -> RoleGrant:
    """Give a person a role in their bureau (once: an active grant is not repeated)."""
    bureau = user.bureau
    require_rights_over(actor, bureau)
    if bureau is None:
        raise ValidationFailed(
            _("%(user)s is not a member of any bureau") % {"user": user.username},
            code=E.USER_WITHOUT_BUREAU,
        )
    checked = check_role(role, bureau)
    existing = RoleGrant.objects.active().filter(user=user, bureau=bureau, role=checked).first()
    if existing is not None:
        return existing
    grant = RoleGrant.objects.create(
        user=user, bureau=bureau, role=checked, granted_by=actor_name(actor)
    )
    rights.forget_roles(user)
    audit_record(
        actor=actor,
        action="role_granted",
        object_type="user",
        object_key=user.username,
        changes={"after": {"role": str(checked), "bureau": bureau.key}},
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: Actor, user: User, role: str) -> RoleGrant:
    bureau = user.bureau
    require_rights_over(actor, bureau)
    grant = RoleGrant.objects.active().filter(user=user, bureau=bureau, role=role).first()
    if grant is None:
        raise Conflict(
            _("%(user)s does not hold the role %(role)s") % {"user": user.username, "role": role},
            code=E.ROLE_NOT_HELD,
        )
    grant.revoked_at, grant.revoked_by = timezone.now(), actor_name(actor)
    grant.save(update_fields=["revoked_at", "revoked_by"])
    rights.forget_roles(user)
    audit_record(
        actor=actor,
        action="role_revoked",
        object_type="user",
        object_key=user.username,
        changes={"before": {"role": role, "bureau": bureau.key if bureau else ""}},
    )
    return grant


def require_self_or_admin(actor: Actor, user: User) -> None:
    if getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        return
    require_rights_over(actor, user.bureau)


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    """A new password for oneself or, by an administrator, for a person of the bureau. The
    person's tokens stop working (their `auth_stamp` changes)."""
    require_self_or_admin(actor, user)
    check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password", "auth_stamp"])
    audit_record(
        actor=actor, action="password_changed", object_type="user", object_key=user.username
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """A person leaves: no more sign-in, and their tokens stop working."""
    require_rights_over(actor, user.bureau)
    user.is_active = False
    user.auth_stamp = secrets.token_hex(16)
    user.save(update_fields=["is_active", "auth_stamp"])
    audit_record(
        actor=actor, action="user_deactivated", object_type="user", object_key=user.username
    )
    return user


@transaction.atomic
def user_set_operator(*, actor: Actor, user: User, operator: bool) -> User:
    """Make a person an operator of the installation (the admin site) or not. Only the
    installation's operator at the console may; it gives no right on catalogue data."""
    if not rights.is_operator(actor):
        raise PermissionDenied(
            _("Operators are named by an operator of the installation"), code=E.OPERATOR_ONLY
        )
    user.is_staff = user.is_superuser = operator
    user.save(update_fields=["is_staff", "is_superuser"])
    audit_record(
        actor=actor,
        action="operator_set",
        object_type="user",
        object_key=user.username,
        changes={"after": {"operator": operator}},
    )
    return user


@transaction.atomic
def preferences_set(*, actor: Actor, user: User, unit_system: str, expert_mode: bool) -> User:
    """A person's display preferences (only their own)."""
    if getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("Only you change your preferences"), code=E.NOT_OWN_ACCOUNT)
    if unit_system not in User.UnitSystem.values:
        raise ValidationFailed(
            _("Unknown unit system %(value)r") % {"value": unit_system}, code=E.UNKNOWN_UNIT_SYSTEM
        )
    user.unit_system, user.expert_mode = unit_system, expert_mode
    user.save(update_fields=["unit_system", "expert_mode"])
    return user


# --- tokens -------------------------------------------------------------------------------------

DEFAULT_TOKEN_DAYS = 90


def require_token_authority(actor: Actor, user: User) -> None:
    """People make and revoke their own tokens; an administrator of the bureau may too."""
    require_self_or_admin(actor, user)


def check_scope(scope: str) -> TokenScope:
    if scope not in TokenScope.values:
        raise ValidationFailed(
            _("Unknown token scope %(scope)r") % {"scope": scope},
            code=E.UNKNOWN_TOKEN_SCOPE,
            errors=[FieldError("scope", E.UNKNOWN_TOKEN_SCOPE, ", ".join(TokenScope.values))],
        )
    return TokenScope(scope)


def token_expiry(days: int | None) -> dt.datetime | None:
    """`days` from now; None for the default of 90 days, 0 for a token that never expires."""
    if days is None:
        days = DEFAULT_TOKEN_DAYS
    if days < 0:
        raise ValidationFailed(_("The expiry date is in the past"), code=E.TOKEN_EXPIRY_PAST)
    return timezone.now() + dt.timedelta(days=days) if days else None
