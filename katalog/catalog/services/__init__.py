"""All writes to the catalogue, by concern: items, references, registrations and management
data, the life cycle, manufacturers, numbers, interchangeability families, lists of preferred and restricted items. Each write runs in one transaction, takes the
acting user or system actor, checks its rights, bumps the versions it changes and records the
change in the audit log."""

from katalog.catalog.services import checks
from katalog.catalog.services.checks import CodeTables
from katalog.catalog.services.history import (
    check_version,
    item_lock,
    item_save_state,
    values_follow_item,
)
from katalog.catalog.services.interchange import (
    family_create,
    family_master_set,
    family_member_add,
    family_member_remove,
)
from katalog.catalog.services.items import (
    ItemSearchTexts,
    NewReference,
    characteristic_set,
    check_supply_class,
    item_create,
    item_create_complete,
    item_identification_update,
    item_name_get,
    item_search_text,
    search_text_of_item,
)
from katalog.catalog.services.life_cycle import (
    DUPLICATE_REASON,
    MOVED_REFERENCE_CATEGORY,
    MOVED_REFERENCE_VARIATION,
    check_cancellable,
    check_replacement,
    item_cancel,
    item_cancel_duplicate,
    item_cancel_use,
    item_reinstate,
)
from katalog.catalog.services.lists import (
    item_list_create,
    item_list_entry_add,
    item_list_entry_remove,
    may_change_list,
)
from katalog.catalog.services.manufacturers import (
    bureau_for_country,
    manufacturer_create,
    manufacturer_search_text,
    manufacturer_update,
)
from katalog.catalog.services.numbers import (
    MAX_SERIAL,
    allocate_serial,
    allocate_serial_block,
    raise_serial_floor,
)
from katalog.catalog.services.references import (
    find_reference_conflict,
    reference_add,
    reference_remove,
)
from katalog.catalog.services.registrations import (
    management_set,
    registration_add,
    registration_withdraw,
)

__all__ = [
    "DUPLICATE_REASON",
    "MAX_SERIAL",
    "MOVED_REFERENCE_CATEGORY",
    "MOVED_REFERENCE_VARIATION",
    "CodeTables",
    "ItemSearchTexts",
    "NewReference",
    "allocate_serial",
    "allocate_serial_block",
    "bureau_for_country",
    "characteristic_set",
    "check_cancellable",
    "check_replacement",
    "check_supply_class",
    "check_version",
    "checks",
    "family_create",
    "family_master_set",
    "family_member_add",
    "family_member_remove",
    "find_reference_conflict",
    "item_cancel",
    "item_cancel_duplicate",
    "item_cancel_use",
    "item_create",
    "item_create_complete",
    "item_identification_update",
    "item_list_create",
    "item_list_entry_add",
    "item_list_entry_remove",
    "item_lock",
    "item_name_get",
    "item_reinstate",
    "item_save_state",
    "item_search_text",
    "management_set",
    "manufacturer_create",
    "manufacturer_search_text",
    "manufacturer_update",
    "may_change_list",
    "raise_serial_floor",
    "reference_add",
    "reference_remove",
    "registration_add",
    "registration_withdraw",
    "search_text_of_item",
    "values_follow_item",
]
