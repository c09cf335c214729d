"""The interstate reference data in the exchange: item names and identification guides, the
supply classification, classifier versions and their correspondence tables.

The centre owns them. Its node alone emits their events (every change written through the
owning app's services once the node has its identity, and the whole set on `katalog exchange
snapshot`); a receiver applies them only from a node of the centre, through the owning app's
replica-apply service. Each kind travels as one object type with the object's whole state, by
the same outbox, signature, sequence and ordering as items and manufacturers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from katalog.classifiers import replica as classifiers_replica
from katalog.classifiers import replica_services as classifiers_services
from katalog.classifiers.models import CorrespondenceTable, Version
from katalog.names import replica as names_replica
from katalog.names import services as names_services
from katalog.names.models import IdentificationGuide, ItemName
from katalog.refdata import replica as refdata_replica
from katalog.refdata import services as refdata_services
from katalog.refdata.models import SupplyClass, SupplyGroup


@dataclass(frozen=True)
class ReferenceKind:
    """One kind of reference object: its event type, the name its state is carried under, how
    states are read and applied, and its keys in the order a snapshot sends them."""

    object_type: str
    name: str
    states: Callable[[list[str]], dict[str, dict[str, Any]]]
    all_states: Callable[[], Iterator[dict[str, Any]]]
    apply: Callable[..., Any]
    keys: Callable[[], list[str]]


def _codes(model: Any, field: str = "code") -> Callable[[], list[str]]:
    return lambda: sorted(set(model.objects.values_list(field, flat=True)))


def _item_name_keys() -> list[str]:
    # Approved names first: basic and colloquial names point to them.
    rows = ItemName.objects.values_list("approved_name_id", "code")
    return [code for _approved, code in sorted(rows, key=lambda r: (r[0] is not None, r[1]))]


def _version_keys() -> list[str]:
    return [slug for _from, slug in sorted(Version.objects.values_list("valid_from", "slug"))]


# In the order a snapshot sends them: what a later kind names comes first.
KINDS: dict[str, ReferenceKind] = {
    kind.object_type: kind
    for kind in (
        ReferenceKind(
            refdata_replica.SUPPLY_GROUP,
            "supply_group",
            refdata_replica.supply_group_states,
            refdata_replica.all_supply_group_states,
            refdata_services.supply_group_replica_apply,
            _codes(SupplyGroup),
        ),
        ReferenceKind(
            refdata_replica.SUPPLY_CLASS,
            "supply_class",
            refdata_replica.supply_class_states,
            refdata_replica.all_supply_class_states,
            refdata_services.supply_class_replica_apply,
            _codes(SupplyClass),
        ),
        ReferenceKind(
            names_replica.GUIDE,
            "guide",
            names_replica.guide_states,
            names_replica.all_guide_states,
            names_services.guide_replica_apply,
            _codes(IdentificationGuide),
        ),
        ReferenceKind(
            names_replica.ITEM_NAME,
            "item_name",
            names_replica.item_name_states,
            names_replica.all_item_name_states,
            names_services.item_name_replica_apply,
            _item_name_keys,
        ),
        ReferenceKind(
            classifiers_replica.VERSION,
            "classifier_version",
            classifiers_replica.version_states,
            classifiers_replica.all_version_states,
            classifiers_services.version_replica_apply,
            _version_keys,
        ),
        ReferenceKind(
            classifiers_replica.TABLE,
            "classifier_table",
            classifiers_replica.table_states,
            classifiers_replica.all_table_states,
            classifiers_services.table_replica_apply,
            _codes(CorrespondenceTable, "slug"),
        ),
    )
}


def event_states(object_type: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The events' states of reference objects of one kind: each under the kind's name."""
    kind = KINDS[object_type]
    return {key: {kind.name: state} for key, state in kind.states(keys).items()}


def local_state(object_type: str, key: str) -> dict[str, Any] | None:
    return KINDS[object_type].states([key]).get(key)
