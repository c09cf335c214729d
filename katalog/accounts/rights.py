"""What each role may do, and the checks services make before they write.

A person acts for their bureau with the roles granted there (`RoleGrant`). Roles map to
permissions; services ask for a permission, never for a role, so a role can be widened in one
place. Superuser status gives no permission here: it is for operating the installation.

System actors hold the permissions their name stands for: `init` and `migration` load shipped
reference data and demonstration or migrated catalogues; `operator` is the person at the
installation's console creating the first users and rights (a superuser, on the admin site, is
an operator too); `exchange` applies verified events of other installations under the
exchange's own authority rules.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from katalog.accounts.errors import AccountsErrorCode as E
from katalog.accounts.models import CENTRE_ROLES, Bureau, BureauKind, Role, RoleGrant
from katalog.core.actors import Actor, SystemActor, is_system
from katalog.core.errors import AuthenticationRequired, PermissionDenied


class Permission(StrEnum):
    READ = "read"  # read the data the bureau's release rules open to it
    CATALOGUE = "catalogue"  # write the bureau's catalogue data and requests
    APPROVE = "approve"  # approve codification requests (four eyes)
    MANAGE_RIGHTS = "manage_rights"  # create users and grant roles in the bureau
    REFERENCE_DATA = "reference_data"  # item names, guides, supply classification, classifiers
    MIGRATE = "migrate"  # load catalogue numbers of any bureau (migration of a catalogue)


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.READ}),
    Role.CATALOGUER: frozenset({Permission.READ, Permission.CATALOGUE}),
    Role.APPROVER: frozenset({Permission.READ, Permission.CATALOGUE, Permission.APPROVE}),
    Role.BUREAU_ADMIN: frozenset({Permission.READ, Permission.MANAGE_RIGHTS}),
    Role.CENTRE_CATALOGUER: frozenset(
        {Permission.READ, Permission.CATALOGUE, Permission.REFERENCE_DATA}
    ),
    Role.CENTRE_ADMIN: frozenset(
        {Permission.READ, Permission.MANAGE_RIGHTS, Permission.REFERENCE_DATA, Permission.MIGRATE}
    ),
}

SYSTEM_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "init": frozenset(
        {Permission.READ, Permission.CATALOGUE, Permission.REFERENCE_DATA, Permission.MIGRATE}
    ),
    "migration": frozenset(
        {Permission.READ, Permission.CATALOGUE, Permission.REFERENCE_DATA, Permission.MIGRATE}
    ),
    "operator": frozenset({Permission.READ, Permission.MANAGE_RIGHTS}),
    "exchange": frozenset(
        {Permission.READ, Permission.CATALOGUE, Permission.REFERENCE_DATA, Permission.MIGRATE}
    ),
    "worker": frozenset({Permission.READ}),
}

_CACHE = "_katalog_roles"


def roles_of(actor: Actor) -> frozenset[str]:
    """The active roles of a person in their own bureau (remembered on the user object)."""
    if is_system(actor) or not getattr(actor, "is_authenticated", False):
        return frozenset()
    cached = getattr(actor, _CACHE, None)
    if cached is None:
        if not actor.is_active or actor.bureau_id is None:
            cached = frozenset()
        else:
            cached = frozenset(
                RoleGrant.objects.active()
                .filter(user_id=actor.pk, bureau_id=actor.bureau_id)
                .values_list("role", flat=True)
            )
        setattr(actor, _CACHE, cached)
    return cached


def forget_roles(actor: Actor) -> None:
    if hasattr(actor, _CACHE):
        delattr(actor, _CACHE)


def is_operator(actor: Actor) -> bool:
    """The installation's operator: the console's system actor, or a superuser (the admin
    site). Operators manage people and rights everywhere, and catalogue nothing."""
    if isinstance(actor, SystemActor):
        return actor.name == "operator"
    return bool(getattr(actor, "is_superuser", False)) and bool(getattr(actor, "is_active", False))


def permissions_of(actor: Actor) -> frozenset[Permission]:
    if isinstance(actor, SystemActor):
        return SYSTEM_PERMISSIONS.get(actor.name, frozenset())
    granted: set[Permission] = set(SYSTEM_PERMISSIONS["operator"]) if is_operator(actor) else set()
    for role in roles_of(actor):
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def has_permission(actor: Actor, permission: Permission) -> bool:
    return permission in permissions_of(actor)


def permission_label(permission: Permission) -> str:
    labels = {
        Permission.READ: _("read the bureau's data"),
        Permission.CATALOGUE: _("catalogue"),
        Permission.APPROVE: _("approve codification requests"),
        Permission.MANAGE_RIGHTS: _("manage users and rights"),
        Permission.REFERENCE_DATA: _("change the interstate reference data"),
        Permission.MIGRATE: _("load catalogue numbers of other bureaus"),
    }
    return labels[permission]


def require_permission(actor: Actor, permission: Permission) -> None:
    """Refuse with MISSING_ROLE unless the actor holds the permission."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise AuthenticationRequired(_("Sign in to make changes"))
    if not has_permission(actor, permission):
        raise PermissionDenied(
            _("Your roles do not allow you to %(action)s")
            % {"action": permission_label(permission)},
            code=E.MISSING_ROLE,
            data={"permission": str(permission)},
        )


def acting_bureau(actor: Actor, permission: Permission = Permission.CATALOGUE) -> Bureau:
    """The bureau a person acts for, once they hold the permission there."""
    require_permission(actor, permission)
    bureau = getattr(actor, "bureau", None)
    if bureau is None:
        raise PermissionDenied(
            _("You are not a member of any cataloguing bureau"), code=E.NO_BUREAU
        )
    return bureau


def role_fits_bureau(role: str, bureau: Bureau) -> bool:
    """The centre's own roles exist only in the interstate centre."""
    return role not in CENTRE_ROLES or bureau.kind == BureauKind.CENTRE
