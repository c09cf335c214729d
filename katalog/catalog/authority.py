"""Who may change what on an item of supply.

The rules follow the NCS ownership of data:

- identification data (item name, supply class, characteristics, references that identify the
  item, cancellation and reinstatement) belongs to the *assigning bureau*, the one that issued
  the catalogue number (`item.bureau`);
- a *registered nation* (a bureau with an open user registration on the item) may add its own
  references, its own registration and its own management data;
- anyone else is refused with `PermissionDenied` and a stable code.

Every person needs the CATALOGUE permission of their bureau's roles (`accounts.rights`) to
write at all. A superuser is no exception: superuser status is for operating the installation.
System actors that load data (`init`, `migration`, and `exchange`, which applies its own rules
to other installations' events) are not subject to bureau ownership.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.models import Bureau
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import Item, Registration
from katalog.core.actors import Actor, is_system
from katalog.core.errors import PermissionDenied


def bypasses_authority(actor: Actor) -> bool:
    """System actors that load catalogue data are not subject to bureau ownership."""
    return is_system(actor) and rights.has_permission(actor, rights.Permission.CATALOGUE)


def actor_bureau(actor: Actor) -> Bureau:
    """The bureau a person catalogues for: they need a bureau and the CATALOGUE permission."""
    return rights.acting_bureau(actor, rights.Permission.CATALOGUE)


def is_registered_user(bureau_id: int, item: Item) -> bool:
    return Registration.objects.filter(
        item_id=item.pk, bureau_id=bureau_id, effective_to__isnull=True
    ).exists()


def require_identification_authority(actor: Actor, item: Item) -> None:
    """Only the assigning bureau changes an item's identification data."""
    if bypasses_authority(actor):
        return
    if actor_bureau(actor).pk != item.bureau_id:
        raise PermissionDenied(
            _("Only the assigning bureau may change the identification of %(item)s")
            % {"item": item.catalogue_number},
            code=E.NOT_ASSIGNING_BUREAU,
        )


def require_user_authority(actor: Actor, item: Item) -> None:
    """The assigning bureau or a nation registered as user of the item."""
    if bypasses_authority(actor):
        return
    bureau = actor_bureau(actor)
    if bureau.pk != item.bureau_id and not is_registered_user(bureau.pk, item):
        raise PermissionDenied(
            _("Your bureau is not registered as user of %(item)s")
            % {"item": item.catalogue_number},
            code=E.NOT_REGISTERED_USER,
        )


def require_own_data(actor: Actor, item: Item, bureau: Bureau) -> None:
    """Data held for a bureau (its references, registration, management data) is written by
    that bureau; the assigning bureau may also write it for the others."""
    if bypasses_authority(actor):
        return
    own = actor_bureau(actor)
    if own.pk not in (bureau.pk, item.bureau_id):
        raise PermissionDenied(
            _("Only bureau %(bureau)s may change its own data on %(item)s")
            % {"bureau": bureau.key, "item": item.catalogue_number},
            code=E.NOT_OWN_DATA,
        )


def require_registration_authority(actor: Actor, item: Item, bureau: Bureau) -> None:
    """A nation registers (or withdraws) itself; the assigning bureau may do it for others."""
    require_own_data(actor, item, bureau)


def require_management_authority(actor: Actor, item: Item, bureau: Bureau) -> None:
    """Management data is a registered nation's own: it must be that nation and a user."""
    if bypasses_authority(actor):
        return
    require_own_data(actor, item, bureau)
    if bureau.pk != item.bureau_id and not is_registered_user(bureau.pk, item):
        raise PermissionDenied(
            _("Bureau %(bureau)s is not registered as user of %(item)s")
            % {"bureau": bureau.key, "item": item.catalogue_number},
            code=E.NOT_REGISTERED_USER,
        )
