"""The built-in rules beyond the first five: the guide's required characteristics, values within
their bounds and codes in their tables, the item name allowed in the class, the item name's
titles in Russian and in each user nation's language, no open duplicate candidate, a review
within the period; each with a passing and a failing item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from katalog.catalog import services
from katalog.catalog.models import CharacteristicValue, Item
from katalog.core.actors import SYSTEM_INIT
from katalog.quality.models import ItemQuality, QualityRule
from katalog.quality.rules import RULES
from katalog.quality.selectors import item_quality
from katalog.quality.services import rescore
from katalog.screening.models import CandidateState, DuplicateCandidate
from tests.conftest import LATER_QUALITY_RULES
from tests.factories import bureau, make_item

pytestmark = pytest.mark.django_db

SHIPPED = {
    "CHARACTERISTICS": 30, "TYPE1_REFERENCE": 20, "MANUFACTURER_ACTIVE": 15,
    "REPLACEMENT_ACTIVE": 15, "REGISTRATIONS": 20, "GUIDE_REQUIRED": 20, "VALUES_VALID": 15,
    "NAME_ALLOWED": 10, "NAME_LANGUAGES": 10, "NO_OPEN_DUPLICATE": 10, "REVIEWED": 5,
}  # fmt: skip


def failed(item: Item) -> set[str]:
    rescore([item.pk])
    return set(ItemQuality.objects.get(item=item).failed)


def nut(**values: str) -> Item:
    """A nut (item name 10101, guide G0001: THDD and MATL required; class 5310; titles en, ru,
    kk) with the replies given."""
    item = make_item()
    for code, raw in values.items():
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code=code, raw=raw)
    return item


def test_every_built_in_rule_is_seeded_with_its_weight_and_explained():
    rules = QualityRule.objects.filter(bureau__isnull=True)
    assert dict(rules.values_list("code", "weight")) == SHIPPED
    assert set(SHIPPED) == set(RULES)
    assert set(LATER_QUALITY_RULES) < set(SHIPPED)
    item = nut(THDD="10 mm")
    rescore([item.pk])
    view = item_quality(item.pk)
    assert {r.code for r in view.rules} == set(SHIPPED)
    guide = next(r for r in view.rules if r.code == "GUIDE_REQUIRED")
    assert (guide.passed, bool(guide.fix)) == (False, True)


def test_the_required_characteristics_of_the_guide():
    assert "GUIDE_REQUIRED" in failed(nut(THDD="10 mm"))
    assert "GUIDE_REQUIRED" not in failed(nut(THDD="10 mm", MATL="STL"))
    # An item name without a guide asks for nothing.
    assert "GUIDE_REQUIRED" not in failed(make_item(item_name_code="77777"))


def test_values_within_their_bounds_and_codes_in_their_table():
    good = nut(THDD="10 mm", MATL="STL")
    assert "VALUES_VALID" not in failed(good)
    below = nut(THDD="10 mm", MATL="STL")
    # Loaded before the bound was set (an import of another system's data, say).
    CharacteristicValue.objects.filter(item=below, characteristic__code="THDD").update(value=-0.01)
    assert "VALUES_VALID" in failed(below)
    unknown = nut(THDD="10 mm", MATL="STL")
    CharacteristicValue.objects.filter(item=unknown, characteristic__code="MATL").update(code="ZZZ")
    assert "VALUES_VALID" in failed(unknown)


def test_the_item_name_allowed_in_the_supply_class():
    assert "NAME_ALLOWED" not in failed(make_item(supply_class="5310"))
    assert "NAME_ALLOWED" in failed(make_item(supply_class="5306"))
    # An item name that lists no classes allows every one.
    assert "NAME_ALLOWED" not in failed(make_item(supply_class="5306", item_name_code="77777"))


def test_titles_in_russian_and_in_the_language_of_every_user_nation():
    kazakh_user = make_item()
    services.registration_add(actor=SYSTEM_INIT, item=kazakh_user, bureau=bureau("KZ"))
    assert "NAME_LANGUAGES" not in failed(kazakh_user)  # 10101 has ru and kk titles
    belarusian_user = make_item()
    services.registration_add(actor=SYSTEM_INIT, item=belarusian_user, bureau=bureau("BY"))
    assert "NAME_LANGUAGES" in failed(belarusian_user)  # no be title


def test_no_open_duplicate_candidate():
    first, second, third = make_item(), make_item("KZ"), make_item("KZ")
    pair = DuplicateCandidate.objects.create(item=first, candidate=second, score=0.9,
                                             verdict="duplicate")  # fmt: skip
    assert "NO_OPEN_DUPLICATE" in failed(first)
    assert "NO_OPEN_DUPLICATE" in failed(second)
    assert "NO_OPEN_DUPLICATE" not in failed(third)
    DuplicateCandidate.objects.filter(pk=pair.pk).update(state=CandidateState.DISMISSED)
    assert "NO_OPEN_DUPLICATE" not in failed(first)


def test_a_review_within_the_period():
    fresh, old, cancelled = make_item(), make_item(), make_item()
    long_ago = timezone.now() - dt.timedelta(days=6 * 366)
    Item.objects.filter(pk__in=[old.pk, cancelled.pk]).update(updated_at=long_ago)
    Item.objects.filter(pk=cancelled.pk).update(status="4")
    assert "REVIEWED" not in failed(fresh)
    assert "REVIEWED" in failed(old)
    assert "REVIEWED" not in failed(cancelled)
