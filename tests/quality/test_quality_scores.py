"""Quality scores: each rule passing and failing, stored on commit of every change, in bulk."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from katalog.accounts.models import Bureau
from katalog.catalog import services
from katalog.catalog.models import Item, Manufacturer
from katalog.core.actors import SYSTEM_INIT
from katalog.quality.models import ItemQuality, QualityRule
from katalog.quality.selectors import item_quality
from katalog.quality.services import rescore, rescore_all, score_of
from tests.factories import ManufacturerFactory, make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_five_rules")]

SEEDED = {
    "CHARACTERISTICS",
    "TYPE1_REFERENCE",
    "MANUFACTURER_ACTIVE",
    "REPLACEMENT_ACTIVE",
    "REGISTRATIONS",
}


def failed(item: Item) -> set[str]:
    rescore([item.pk])
    return set(ItemQuality.objects.get(item=item).failed)


def registered(**kwargs) -> Item:
    """An item with a registered user and nothing else: fails only "characteristics" (30)."""
    item = make_item(**kwargs)
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=item.bureau)
    return item


def described(maker: Manufacturer, **kwargs) -> Item:
    item = registered(**kwargs)
    number = f"АБВГ.{item.niin}"
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number=number)
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    return item


def test_the_first_five_rules_are_seeded_globally_with_weights_of_100_in_all():
    rules = QualityRule.objects.filter(bureau__isnull=True, active=True)
    assert set(rules.values_list("code", flat=True)) == SEEDED
    assert sum(rules.values_list("weight", flat=True)) == 100


def test_a_complete_description_scores_100():
    item = described(ManufacturerFactory(), identification_type="1")
    assert failed(item) == set()
    assert ItemQuality.objects.get(item=item).score == 100


def test_characteristics_rule():
    item = make_item()
    assert "CHARACTERISTICS" in failed(item)
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    assert "CHARACTERISTICS" not in failed(item)


def test_type1_needs_a_reference_type2_does_not():
    type1 = make_item(identification_type="1")
    type2 = make_item(identification_type="2")
    assert "TYPE1_REFERENCE" in failed(type1)
    assert "TYPE1_REFERENCE" not in failed(type2)
    services.reference_add(
        actor=SYSTEM_INIT, item=type1, manufacturer=ManufacturerFactory(), number="X-1"
    )
    assert "TYPE1_REFERENCE" not in failed(type1)


def test_inactive_manufacturer_fails():
    good, gone = ManufacturerFactory(), ManufacturerFactory()
    Manufacturer.objects.filter(pk=gone.pk).update(status="H")
    assert "MANUFACTURER_ACTIVE" not in failed(described(good))
    assert "MANUFACTURER_ACTIVE" in failed(described(gone))


def test_replacement_must_be_active():
    maker = ManufacturerFactory()
    old, new = described(maker), described(maker)
    services.item_cancel(actor=SYSTEM_INIT, item=old, reason="A", replacement=new)
    old.refresh_from_db()
    assert "REPLACEMENT_ACTIVE" not in failed(old)
    Item.objects.filter(pk=new.pk).update(status="4")
    assert "REPLACEMENT_ACTIVE" in failed(old)


def test_active_item_without_registered_user_fails():
    item = described(ManufacturerFactory())
    assert "REGISTRATIONS" not in failed(item)
    item.registrations.all().delete()
    assert "REGISTRATIONS" in failed(item)
    Item.objects.filter(pk=item.pk).update(status="6")  # what it should have become
    assert "REGISTRATIONS" not in failed(item)


def test_score_is_the_share_of_weights_passed():
    weights = {"A": 30, "B": 20, "C": 50}
    assert score_of([], weights) == 100
    assert score_of(["C"], weights) == 50
    assert score_of(["A", "B", "C"], weights) == 0
    assert score_of(["UNKNOWN"], weights) == 100
    assert score_of(["A"], {}) == 100


def test_a_bureau_weights_and_switches_off_rules_for_its_items():
    ru = Bureau.objects.get(key="RU")
    item = registered()  # no characteristics (30), no reference needed for type 2
    rescore([item.pk])
    assert ItemQuality.objects.get(item=item).score == 70
    QualityRule.objects.create(code="CHARACTERISTICS", bureau=ru, weight=80)
    rescore([item.pk])
    assert ItemQuality.objects.get(item=item).score == round(100 * 70 / 150)  # 80 of 150 lost
    QualityRule.objects.filter(bureau=ru).update(active=False)
    rescore([item.pk])
    row = ItemQuality.objects.get(item=item)
    assert row.score == 100
    assert "CHARACTERISTICS" not in row.checked


def test_explanation_rule_by_rule_with_fix_for_failing_rules():
    item = registered(identification_type="1")
    rescore([item.pk])
    view = item_quality(item.pk)
    assert view is not None
    by_code = {r.code: r for r in view.rules}
    assert set(by_code) == SEEDED
    assert not by_code["TYPE1_REFERENCE"].passed
    assert by_code["TYPE1_REFERENCE"].fix
    assert by_code["REPLACEMENT_ACTIVE"].passed
    assert by_code["REPLACEMENT_ACTIVE"].fix == ""
    assert view.score == 100 - 30 - 20


def test_messages_are_translated():
    from django.utils import translation

    item = make_item()
    rescore([item.pk])
    with translation.override("ru"):
        ru = {r.code: r.message for r in item_quality(item.pk).rules}
    en = {r.code: r.message for r in item_quality(item.pk).rules}
    assert all(ru[c] != en[c] for c in en)


def test_every_change_is_scored_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = registered()
    assert ItemQuality.objects.get(item=item).score == 70
    with django_capture_on_commit_callbacks(execute=True):
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    assert ItemQuality.objects.get(item=item).score == 100


def test_a_manufacturer_change_rescores_the_items_citing_it(django_capture_on_commit_callbacks):
    maker = ManufacturerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        item = described(maker)
    assert ItemQuality.objects.get(item=item).score == 100
    with django_capture_on_commit_callbacks(execute=True):
        services.manufacturer_update(
            actor=SYSTEM_INIT,
            manufacturer=maker,
            expected_version=maker.row_version,
            changes={"status": "H"},
        )
    assert "MANUFACTURER_ACTIVE" in ItemQuality.objects.get(item=item).failed


def test_cancelling_a_replacement_rescores_the_items_pointing_to_it(
    django_capture_on_commit_callbacks,
):
    maker = ManufacturerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        old, new = described(maker), described(maker)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_cancel(actor=SYSTEM_INIT, item=old, reason="A", replacement=new)
    assert "REPLACEMENT_ACTIVE" not in ItemQuality.objects.get(item=old).failed
    new.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.item_cancel(actor=SYSTEM_INIT, item=new, reason="A")
    assert "REPLACEMENT_ACTIVE" in ItemQuality.objects.get(item=old).failed


def test_a_rolled_back_change_is_not_scored(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                make_item()
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not ItemQuality.objects.exists()


def test_bulk_rescore_in_small_batches_scores_every_item():
    items = [registered() for _ in range(7)]
    ItemQuality.objects.all().delete()
    assert rescore_all(batch=3) == 7
    assert ItemQuality.objects.filter(item__in=items, score=70).count() == 7


def test_rescore_command():
    item = registered()
    ItemQuality.objects.all().delete()
    call_command("quality", "rescore", verbosity=0)
    assert ItemQuality.objects.get(item=item).score == 70
