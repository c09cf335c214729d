"""The quality rules the product knows how to evaluate, each set-based over a batch of items.

A rule's weight and whether it applies are data (`QualityRule`); what it checks and what it tells
the cataloguer are here, because a rule nobody can evaluate cannot be scored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from katalog.catalog.models import CharacteristicValue, Item, ItemStatus, Reference, Registration

ACTIVE_STATUSES = (ItemStatus.ACTIVE, ItemStatus.ACTIVE_NOT_PROCURABLE)
MANUFACTURER_ACTIVE = "A"

# An evaluator returns the ids (of those given) that FAIL the rule.
Evaluator = Callable[[Sequence[int]], set[int]]


@dataclass(frozen=True)
class RuleDefinition:
    code: str
    message: Promise  # what the rule asks for
    fix: Promise  # how to make a failing item pass
    evaluate: Evaluator


def _has_characteristics(ids: Sequence[int]) -> set[int]:
    present = set(
        CharacteristicValue.objects.filter(item_id__in=ids).values_list("item_id", flat=True)
    )
    return set(ids) - present


def _type1_reference(ids: Sequence[int]) -> set[int]:
    type1 = set(
        Item.objects.filter(pk__in=ids, identification_type="1").values_list("pk", flat=True)
    )
    if not type1:
        return set()
    with_ref = set(Reference.objects.filter(item_id__in=type1).values_list("item_id", flat=True))
    return type1 - with_ref


def _manufacturer_active(ids: Sequence[int]) -> set[int]:
    return set(
        Reference.objects.filter(item_id__in=ids)
        .exclude(manufacturer__status=MANUFACTURER_ACTIVE)
        .values_list("item_id", flat=True)
    )


def _replacement_active(ids: Sequence[int]) -> set[int]:
    return set(
        Item.objects.filter(pk__in=ids, replaced_by__isnull=False)
        .exclude(replaced_by__status__in=ACTIVE_STATUSES)
        .values_list("pk", flat=True)
    )


def _registrations_present(ids: Sequence[int]) -> set[int]:
    """An active item needs a current registered user; without one it should be status 6."""
    active = set(
        Item.objects.filter(pk__in=ids, status__in=ACTIVE_STATUSES).values_list("pk", flat=True)
    )
    if not active:
        return set()
    registered = set(
        Registration.objects.filter(item_id__in=active)
        .filter(Q(effective_to__isnull=True))
        .values_list("item_id", flat=True)
    )
    return active - registered


RULES: dict[str, RuleDefinition] = {
    rule.code: rule
    for rule in (
        RuleDefinition(
            "CHARACTERISTICS",
            _("The description has characteristics."),
            _("Add the characteristics the identification guide asks for."),
            _has_characteristics,
        ),
        RuleDefinition(
            "TYPE1_REFERENCE",
            _("A type 1 identification has a reference with a registered manufacturer."),
            _(
                "Add a reference number with its manufacturer, or change the type of identification."
            ),
            _type1_reference,
        ),
        RuleDefinition(
            "MANUFACTURER_ACTIVE",
            _("Every manufacturer of the references is active."),
            _("Replace the reference of the inactive manufacturer by its successor's."),
            _manufacturer_active,
        ),
        RuleDefinition(
            "REPLACEMENT_ACTIVE",
            _("The replacement item is itself active."),
            _("Point the replacement to an active item."),
            _replacement_active,
        ),
        RuleDefinition(
            "REGISTRATIONS",
            _("An active item has a registered user."),
            _("Register a user, or let the item become inactive (status 6)."),
            _registrations_present,
        ),
    )
}
