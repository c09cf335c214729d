"""The quality rules the product knows how to evaluate, each set-based over a batch of items.

A rule's weight and whether it applies are data (`QualityRule`); what it checks and what it tells
the cataloguer are here, because a rule nobody can evaluate cannot be scored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    ItemStatus,
    Reference,
    Registration,
)
from katalog.names.models import ItemNameClass, ReplyCode
from katalog.quality.models import QualityRule, RuleKind

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


# The interface language of each member state's bureau, for the titles its users read.
LANGUAGE_OF_COUNTRY = {
    "RU": "ru", "BY": "be", "KZ": "kk", "KG": "ky", "AM": "hy", "TJ": "tg", "UZ": "uz",
}  # fmt: skip
REVIEW_MONTHS = 60  # a description not changed for this long is due for review
DESCRIPTION_LANGUAGE = "ru"


def _guide_required(ids: Sequence[int]) -> set[int]:
    """Items whose identification guide requires a characteristic they have no value for."""
    required = dict(
        Item.objects.filter(pk__in=ids, item_name__guide__isnull=False)
        .filter(item_name__guide__characteristics__required=True)
        .values_list("pk")
        .annotate(n=Count("item_name__guide__characteristics", distinct=True))
        .order_by()
    )
    if not required:
        return set()
    given = dict(
        CharacteristicValue.objects.filter(item_id__in=required, characteristic__required=True)
        .values_list("item_id")
        .annotate(n=Count("characteristic", distinct=True))
        .order_by()
    )
    return {pk for pk, n in required.items() if given.get(pk, 0) < n}


def _values_valid(ids: Sequence[int]) -> set[int]:
    """Items with a number outside the bounds its characteristic sets, or a coded reply its
    reply table does not hold."""
    char = "characteristic__"
    out_of_bounds = (
        Q(**{f"{char}min_value__isnull": False, "value__lt": F(f"{char}min_value")})
        | Q(**{f"{char}max_value__isnull": False, "value__gt": F(f"{char}max_value")})
        | Q(**{f"{char}max_value__isnull": False, "value_max__gt": F(f"{char}max_value")})
    )
    known_code = ReplyCode.objects.filter(
        table_id=OuterRef(f"{char}reply_table_id"), code=OuterRef("code")
    )
    unknown_code = Q(**{f"{char}reply_table__isnull": False}) & ~Q(code="") & ~Exists(known_code)
    return set(
        CharacteristicValue.objects.filter(item_id__in=ids)
        .filter(out_of_bounds | unknown_code)
        .values_list("item_id", flat=True)
    )


def _name_allowed(ids: Sequence[int]) -> set[int]:
    """Items classified in a supply class their item name is not allowed in (an item name
    that lists no classes allows every class)."""
    allowed = ItemNameClass.objects.filter(
        item_name_id=OuterRef("item_name_id"), class_code=OuterRef("supply_class")
    )
    listed = ItemNameClass.objects.filter(item_name_id=OuterRef("item_name_id"))
    return set(
        Item.objects.filter(pk__in=ids)
        .filter(Exists(listed), ~Exists(allowed))
        .values_list("pk", flat=True)
    )


def _name_languages(ids: Sequence[int]) -> set[int]:
    """Items whose item name has no title in Russian or in the language of a nation
    registered as its user."""
    rows = Item.objects.filter(pk__in=ids).values_list("pk", "item_name__names")
    users: dict[int, set[str]] = {}
    for item_id, country in Registration.objects.filter(
        item_id__in=ids, effective_to__isnull=True
    ).values_list("item_id", "bureau__country_id"):
        language = LANGUAGE_OF_COUNTRY.get(country or "")
        if language:
            users.setdefault(item_id, set()).add(language)
    failing = set()
    for item_id, names in rows:
        wanted = {DESCRIPTION_LANGUAGE} | users.get(item_id, set())
        if any(not (names or {}).get(language, "").strip() for language in wanted):
            failing.add(item_id)
    return failing


def _no_open_duplicate(ids: Sequence[int]) -> set[int]:
    """Items named by a duplicate candidate that waits for a decision."""
    from katalog.screening.models import CandidateState, DuplicateCandidate

    open_pairs = DuplicateCandidate.objects.filter(state=CandidateState.OPEN)
    return set(open_pairs.filter(item_id__in=ids).values_list("item_id", flat=True)) | set(
        open_pairs.filter(candidate_id__in=ids).values_list("candidate_id", flat=True)
    )


def _reviewed(ids: Sequence[int]) -> set[int]:
    """Live items whose description has not changed within the review period."""
    due = timezone.now() - dt.timedelta(days=round(REVIEW_MONTHS * 30.44))
    return set(
        Item.objects.filter(pk__in=ids, updated_at__lt=due)
        .exclude(status__in=CANCELLED_STATUSES)
        .values_list("pk", flat=True)
    )


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
        RuleDefinition(
            "GUIDE_REQUIRED",
            _("Every characteristic the identification guide requires has a value."),
            _("Give the required characteristics of the item's identification guide."),
            _guide_required,
        ),
        RuleDefinition(
            "VALUES_VALID",
            _("Every value is within the bounds of its characteristic and every code is known."),
            _("Correct the values outside their bounds and the codes not in the reply table."),
            _values_valid,
        ),
        RuleDefinition(
            "NAME_ALLOWED",
            _("The item name is allowed in the item's supply class."),
            _("Classify the item in a supply class its item name allows, or choose another name."),
            _name_allowed,
        ),
        RuleDefinition(
            "NAME_LANGUAGES",
            _("The item name has a title in Russian and in the language of every user nation."),
            _("Add the missing titles of the item name (the centre keeps the item names)."),
            _name_languages,
        ),
        RuleDefinition(
            "NO_OPEN_DUPLICATE",
            _("No duplicate candidate naming the item waits for a decision."),
            _("Confirm or dismiss the item's duplicate candidates."),
            _no_open_duplicate,
        ),
        RuleDefinition(
            "REVIEWED",
            _("The description was reviewed within the last five years."),
            _("Review the description and save it, even unchanged in substance."),
            _reviewed,
        ),
    )
}


# --- the parametrised kinds of a bureau's own rules -----------------------------------------------
#
# An own rule's parameters say what it asks for and, optionally, which items it concerns (those
# of one item name or one supply class); the items it does not concern pass it. Each kind is
# evaluated like the built-in rules, by a few set-based queries over a batch of ids.

SCOPE_PARAMS = ("item_name", "supply_class")
OwnEvaluator = Callable[[dict[str, Any], Sequence[int]], set[int]]


@dataclass(frozen=True)
class KindDefinition:
    kind: str
    params: tuple[str, ...]  # required parameters besides the optional scope
    message: Promise  # the generic message, filled with the parameters
    fix: Promise  # the generic fix hint, filled with the parameters
    evaluate: OwnEvaluator


def _concerned(params: dict[str, Any], ids: Sequence[int]) -> list[int]:
    """The ids of the items the rule's scope takes in (all of them without a scope)."""
    if not any(params.get(p) for p in SCOPE_PARAMS):
        return list(ids)
    rows = Item.objects.filter(pk__in=ids)
    if params.get("item_name"):
        rows = rows.filter(item_name__code=params["item_name"])
    if params.get("supply_class"):
        rows = rows.filter(supply_class=params["supply_class"])
    return list(rows.values_list("pk", flat=True))


def _characteristic_required(params: dict[str, Any], ids: Sequence[int]) -> set[int]:
    concerned = _concerned(params, ids)
    if not concerned:
        return set()
    present = set(
        CharacteristicValue.objects.filter(
            item_id__in=concerned, characteristic__code=params["characteristic"]
        ).values_list("item_id", flat=True)
    )
    return set(concerned) - present


def _name_in_language(params: dict[str, Any], ids: Sequence[int]) -> set[int]:
    concerned = _concerned(params, ids)
    if not concerned:
        return set()
    language = params["language"]
    titled = set(
        Item.objects.filter(pk__in=concerned, item_name__names__has_key=language)
        .exclude(**{f"item_name__names__{language}": ""})
        .values_list("pk", flat=True)
    )
    return set(concerned) - titled


def _min_references(params: dict[str, Any], ids: Sequence[int]) -> set[int]:
    concerned = _concerned(params, ids)
    if not concerned:
        return set()
    enough = set(
        Reference.objects.filter(item_id__in=concerned)
        .order_by()
        .values("item_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=int(params["count"]))
        .values_list("item_id", flat=True)
    )
    return set(concerned) - enough


def _reference_category(params: dict[str, Any], ids: Sequence[int]) -> set[int]:
    concerned = _concerned(params, ids)
    if not concerned:
        return set()
    present = set(
        Reference.objects.filter(item_id__in=concerned, category=params["category"]).values_list(
            "item_id", flat=True
        )
    )
    return set(concerned) - present


KINDS: dict[str, KindDefinition] = {
    kind.kind: kind
    for kind in (
        KindDefinition(
            "characteristic",
            ("characteristic",),
            _("The description has the characteristic %(characteristic)s."),
            _("Add the characteristic %(characteristic)s to the description."),
            _characteristic_required,
        ),
        KindDefinition(
            "name_language",
            ("language",),
            _("The item name has a title in %(language)s."),
            _("Add the title of the item name in %(language)s, or ask the centre for it."),
            _name_in_language,
        ),
        KindDefinition(
            "min_references",
            ("count",),
            _("The item has at least %(count)s reference numbers."),
            _("Add reference numbers until there are %(count)s."),
            _min_references,
        ),
        KindDefinition(
            "reference_category",
            ("category",),
            _("The item has a reference number of category %(category)s."),
            _("Add a reference number of category %(category)s."),
            _reference_category,
        ),
    )
}


# --- the rules in force for a bureau's items -----------------------------------------------------


@dataclass(frozen=True)
class RuleInForce:
    """A rule as it applies to one bureau's items: its definition (global or the bureau's own)
    with the bureau's weight and switch where the bureau re-weighted a global rule."""

    code: str
    kind: str
    weight: int
    active: bool
    version: int
    params: dict[str, Any]
    messages: dict[str, str]
    fixes: dict[str, str]
    bureau_id: int | None  # whose rule it is: None for a global one
    adjusted: bool  # a global rule the bureau re-weighted or switched off
    rule_ids: tuple[int, ...]  # the rows it is made of (the definition, the bureau's setting)
    setting_version: int | None = None  # the version of the bureau's setting of a global rule

    @property
    def evaluable(self) -> bool:
        if self.kind == RuleKind.BUILTIN:
            return self.code in RULES
        return self.kind in KINDS

    @property
    def counts(self) -> bool:
        return self.active and self.weight > 0 and self.evaluable


def rules_in_force(bureau_id: int | None) -> dict[str, RuleInForce]:
    """Every rule that applies to a bureau's items (the global ones, with the bureau's own
    settings over them, and the bureau's own rules), active or not, in code order."""
    rows = QualityRule.objects.filter(Q(bureau__isnull=True) | Q(bureau_id=bureau_id or 0))
    found: dict[str, RuleInForce] = {}
    adjustments = []
    for row in rows.order_by("code"):
        if row.bureau_id is None or row.code not in found:
            found[row.code] = RuleInForce(
                code=row.code, kind=row.kind, weight=row.weight, active=row.active,
                version=row.version, params=row.params or {}, messages=row.messages or {},
                fixes=row.fixes or {}, bureau_id=row.bureau_id, adjusted=False,
                rule_ids=(row.pk,),
            )  # fmt: skip
        if row.bureau_id is not None:
            adjustments.append(row)
    for row in adjustments:
        base = found[row.code]
        if base.bureau_id is None:  # the bureau's setting of a global rule
            found[row.code] = replace(
                base,
                weight=row.weight,
                active=row.active,
                adjusted=True,
                rule_ids=(*base.rule_ids, row.pk),
                setting_version=row.version,
            )
    return dict(sorted(found.items()))
