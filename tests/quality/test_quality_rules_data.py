"""Quality rules as data (ISO 8000 spirit): a bureau's own rules of parametrised kinds, each
passing and failing; versions kept with their history; who may change which rule; the items a
changed rule concerns rescored; explanations naming the own rule's message."""

from __future__ import annotations

import pytest
from django.utils import translation

from katalog.audit.models import AuditEntry
from katalog.catalog import services
from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
    ValidationFailed,
)
from katalog.jobs.models import Job
from katalog.jobs.services import job_execute
from katalog.names.models import ItemName
from katalog.quality.models import ItemQuality, QualityRule, QualityRuleVersion
from katalog.quality.selectors import item_quality, rule_history, rules_for
from katalog.quality.services import (
    RESCORE_KIND,
    quality_rule_create,
    quality_rule_update,
    rescore,
)
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_five_rules")]


@pytest.fixture
def ru_lead():
    return UserFactory(username="ru-lead", roles=["approver"])


@pytest.fixture
def kz_lead():
    return UserFactory(username="kz-lead", bureau=bureau("KZ"), roles=["approver"])


@pytest.fixture
def centre():
    return UserFactory(username="centre-quality", bureau=bureau("MC"), roles=["centre_cataloguer"])


def own_rule(actor, kind: str, params: dict, code: str = "OWN", **kwargs) -> QualityRule:
    return quality_rule_create(
        actor=actor,
        code=code,
        kind=kind,
        params=params,
        weight=kwargs.pop("weight", 50),
        messages=kwargs.pop("messages", {"en": f"Own rule {code}"}),
        **kwargs,
    )


def failed(item: Item) -> set[str]:
    rescore([item.pk])
    return set(ItemQuality.objects.get(item=item).failed)


def checked(item: Item) -> set[str]:
    rescore([item.pk])
    return set(ItemQuality.objects.get(item=item).checked)


def add_reference(item: Item, number: str, category: str = "3") -> None:
    services.reference_add(
        actor=SYSTEM_INIT,
        item=item,
        manufacturer=ManufacturerFactory(),
        number=number,
        category=category,
    )


# --- each kind passing and failing ---------------------------------------------------------------


def test_a_characteristic_required_for_an_item_name(ru_lead):
    rule = own_rule(ru_lead, "characteristic", {"characteristic": "thdd", "item_name": "10101"})
    assert rule.code == "RU_OWN"
    assert rule.params == {"characteristic": "THDD", "item_name": "10101"}
    item = make_item()
    assert "RU_OWN" in failed(item)
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    assert "RU_OWN" not in failed(item)
    other_name = ItemName.objects.exclude(code="10101").values_list("code", flat=True).first()
    outside = make_item(item_name_code=other_name)
    assert "RU_OWN" in checked(outside)
    assert "RU_OWN" not in failed(outside)  # not concerned: passes


def test_a_characteristic_required_for_a_supply_class(ru_lead):
    own_rule(ru_lead, "characteristic", {"characteristic": "THDD", "supply_class": "5310"})
    concerned, outside = make_item(supply_class="5310"), make_item(supply_class="4730")
    assert "RU_OWN" in failed(concerned)
    assert "RU_OWN" not in failed(outside)


def test_the_item_names_title_in_a_language(ru_lead):
    name = ItemName.objects.get(code="10101")
    ItemName.objects.filter(pk=name.pk).update(names={"en": "BOLT", "ru": "БОЛТ", "hy": ""})
    own_rule(ru_lead, "name_language", {"language": "hy"})
    item = make_item()
    assert "RU_OWN" in failed(item)  # an empty title is no title
    ItemName.objects.filter(pk=name.pk).update(names={"en": "BOLT", "hy": "ՊՏՈՒՏԱԿ"})
    assert "RU_OWN" not in failed(item)


def test_at_least_a_number_of_references(ru_lead):
    own_rule(ru_lead, "min_references", {"count": "2"})
    item = make_item()
    assert "RU_OWN" in failed(item)
    add_reference(item, "A-1")
    assert "RU_OWN" in failed(item)
    add_reference(item, "A-2")
    assert "RU_OWN" not in failed(item)


def test_a_reference_of_a_category(ru_lead):
    own_rule(ru_lead, "reference_category", {"category": "1"})
    item = make_item()
    add_reference(item, "B-1", category="3")
    assert "RU_OWN" in failed(item)
    add_reference(item, "B-2", category="1")
    assert "RU_OWN" not in failed(item)


def test_own_rules_count_in_the_score_with_their_weight(ru_lead):
    item = make_item()
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=item.bureau)
    rescore([item.pk])
    assert ItemQuality.objects.get(item=item).score == 70  # fails characteristics (30 of 100)
    own_rule(ru_lead, "min_references", {"count": 1}, weight=50)
    rescore([item.pk])
    assert ItemQuality.objects.get(item=item).score == round(100 * 70 / 150)


@pytest.mark.parametrize(
    ("kind", "params", "param"),
    [
        ("characteristic", {"characteristic": "ZZZZ"}, "characteristic"),
        ("characteristic", {"characteristic": "THDD", "item_name": "00000"}, "item_name"),
        ("characteristic", {"characteristic": "THDD", "supply_class": "53"}, "supply_class"),
        ("name_language", {"language": "fr"}, "language"),
        ("min_references", {"count": 0}, "count"),
        ("min_references", {"count": "many"}, "count"),
        ("reference_category", {"category": "Q"}, "category"),
        ("min_references", {"count": 1, "colour": "red"}, "colour"),
    ],
)
def test_parameters_are_checked(ru_lead, kind, params, param):
    with pytest.raises(ValidationFailed) as refused:
        own_rule(ru_lead, kind, params)
    assert refused.value.code == "RULE_PARAMS_INVALID"
    assert refused.value.data["param"] == param
    assert not QualityRule.objects.filter(code="RU_OWN").exists()


def test_a_rule_needs_a_known_kind_a_title_a_fair_weight_and_a_free_code(ru_lead):
    with pytest.raises(ValidationFailed) as refused:
        own_rule(ru_lead, "builtin", {})
    assert refused.value.code == "RULE_KIND_UNKNOWN"
    with pytest.raises(ValidationFailed) as refused:
        own_rule(ru_lead, "min_references", {"count": 1}, messages={"en": "  "})
    assert refused.value.code == "RULE_MESSAGE_REQUIRED"
    with pytest.raises(ValidationFailed) as refused:
        own_rule(ru_lead, "min_references", {"count": 1}, weight=101)
    assert refused.value.code == "RULE_WEIGHT_INVALID"
    with pytest.raises(ValidationFailed) as refused:
        own_rule(ru_lead, "min_references", {"count": 1}, code="bad code")
    assert refused.value.code == "RULE_CODE_INVALID"
    own_rule(ru_lead, "min_references", {"count": 1}, code="RU_REFS")
    with pytest.raises(Conflict) as refused:
        own_rule(ru_lead, "min_references", {"count": 2}, code="REFS")
    assert refused.value.code == "RULE_EXISTS"


# --- rights: whose rules, whose items -------------------------------------------------------------


def test_only_a_bureau_lead_adds_rules_and_another_bureau_cannot_change_them(ru_lead, kz_lead):
    cataloguer = UserFactory(username="ru-cataloguer")  # may catalogue, not approve
    with pytest.raises(PermissionDenied) as refused:
        own_rule(cataloguer, "min_references", {"count": 1})
    assert refused.value.code == "MISSING_ROLE"
    own_rule(ru_lead, "min_references", {"count": 1})
    with pytest.raises(PermissionDenied) as refused:
        quality_rule_update(actor=kz_lead, code="RU_OWN", changes={"weight": 1})
    assert refused.value.code == "RULE_OF_ANOTHER_BUREAU"
    with pytest.raises(NotFound):
        quality_rule_update(actor=kz_lead, code="KZ_NONE", changes={"weight": 1})
    assert QualityRule.objects.get(code="RU_OWN").weight == 50


def test_another_bureaus_items_are_not_scored_by_an_own_rule(ru_lead):
    own_rule(ru_lead, "min_references", {"count": 1})
    ru_item, kz_item = make_item("RU"), make_item("KZ")
    assert "RU_OWN" in checked(ru_item)
    assert "RU_OWN" not in checked(kz_item)
    kz_viewer = UserFactory(username="kz-viewer", bureau=bureau("KZ"), roles=["viewer"])
    assert "RU_OWN" not in {r.code for r in rules_for(reader=kz_viewer)}


def test_the_centre_adds_global_rules_for_every_bureau(centre):
    rule = own_rule(centre, "min_references", {"count": 1}, code="REFS")
    assert rule.code == "MC_REFS"
    assert rule.bureau_id is None
    assert "MC_REFS" in checked(make_item("RU"))
    assert "MC_REFS" in checked(make_item("KZ"))


def test_a_bureau_sets_weight_and_switch_of_a_global_rule_but_not_its_definition(
    ru_lead, kz_lead, centre
):
    own_rule(centre, "min_references", {"count": 1}, code="REFS")
    with pytest.raises(RuleViolation) as refused:
        quality_rule_update(actor=ru_lead, code="MC_REFS", changes={"params": {"count": 3}})
    assert refused.value.code == "RULE_NOT_CHANGEABLE"
    quality_rule_update(actor=ru_lead, code="MC_REFS", changes={"active": False})
    assert "MC_REFS" not in checked(make_item("RU"))
    assert "MC_REFS" in checked(make_item("KZ"))
    with pytest.raises(RuleViolation):  # a built-in rule's checks and texts are the product's
        quality_rule_update(actor=centre, code="CHARACTERISTICS", changes={"messages": {"en": "x"}})
    own_rule(ru_lead, "min_references", {"count": 1})
    with pytest.raises(PermissionDenied) as refused:  # the centre leaves a bureau's own alone
        quality_rule_update(actor=centre, code="RU_OWN", changes={"weight": 1})
    assert refused.value.code == "RULE_OF_ANOTHER_BUREAU"


# --- versions and history -------------------------------------------------------------------------


def test_each_change_makes_a_version_keeps_the_previous_and_is_audited(ru_lead):
    own_rule(ru_lead, "min_references", {"count": 1}, reason="new rule")
    rule = quality_rule_update(
        actor=ru_lead, code="RU_OWN", changes={"weight": 20}, expected_version=1, reason="lighter"
    )
    assert rule.version == 2
    rule = quality_rule_update(
        actor=ru_lead,
        code="ru_own",
        changes={"params": {"count": 3}, "messages": {"en": "Three refs", "ru": "Три"}},
    )
    assert rule.version == 3
    history = rule_history(reader=ru_lead, code="RU_OWN")
    assert [(v.version, v.weight, v.params.get("count")) for v in history] == [
        (3, 20, 3),
        (2, 20, 1),
        (1, 50, 1),
    ]
    assert history[1].reason == "lighter"
    assert history[0].changed_by == "ru-lead"
    entries = AuditEntry.objects.filter(object_type="quality.rule", object_key="RU/RU_OWN")
    assert list(entries.order_by("seq").values_list("action", flat=True)) == [
        "quality_rule_created",
        "quality_rule_changed",
        "quality_rule_changed",
    ]
    assert entries.order_by("seq").last().changes["params"] == {
        "before": {"count": 1},
        "after": {"count": 3},
    }
    unchanged = quality_rule_update(actor=ru_lead, code="RU_OWN", changes={"weight": 20})
    assert unchanged.version == 3  # nothing changed, no version


def test_a_stale_version_is_refused(ru_lead):
    own_rule(ru_lead, "min_references", {"count": 1})
    quality_rule_update(actor=ru_lead, code="RU_OWN", changes={"weight": 20})
    with pytest.raises(PreconditionFailed) as refused:
        quality_rule_update(
            actor=ru_lead, code="RU_OWN", changes={"weight": 30}, expected_version=1
        )
    assert refused.value.code == "RULE_VERSION_STALE"


def test_a_bureaus_setting_of_a_global_rule_has_its_own_versions(ru_lead):
    quality_rule_update(actor=ru_lead, code="CHARACTERISTICS", changes={"weight": 60})
    quality_rule_update(actor=ru_lead, code="CHARACTERISTICS", changes={"weight": 70})
    row = next(r for r in rules_for(reader=ru_lead) if r.code == "CHARACTERISTICS")
    assert (row.weight, row.version, row.setting_version, row.adjusted) == (70, 1, 2, True)
    history = rule_history(reader=ru_lead, code="CHARACTERISTICS")
    assert [(v.setting, v.version, v.weight) for v in history] == [
        (True, 2, 70),
        (True, 1, 60),
        (False, 1, 30),
    ]
    assert QualityRule.objects.get(code="CHARACTERISTICS", bureau=None).weight == 30


def test_the_migration_recorded_the_first_version_of_the_built_in_rules():
    codes = set(
        QualityRuleVersion.objects.filter(rule__bureau=None, version=1).values_list(
            "rule__code", flat=True
        )
    )
    assert {"CHARACTERISTICS", "REGISTRATIONS"} <= codes


# --- rescoring after a change ---------------------------------------------------------------------


def test_a_changed_rule_rescores_the_items_it_concerns_as_a_job(ru_lead):
    ru_item, kz_item = make_item("RU"), make_item("KZ")
    rescore([ru_item.pk, kz_item.pk])
    own_rule(ru_lead, "min_references", {"count": 1})
    job = Job.objects.filter(kind=RESCORE_KIND).latest("pk")
    assert job.params == {"bureau": bureau("RU").pk}
    job_execute(job.pk)
    assert "RU_OWN" in ItemQuality.objects.get(item=ru_item).failed
    assert "RU_OWN" not in ItemQuality.objects.get(item=kz_item).checked
    before = ItemQuality.objects.get(item=ru_item).rules_version
    quality_rule_update(actor=ru_lead, code="RU_OWN", changes={"active": False})
    job_execute(Job.objects.filter(kind=RESCORE_KIND).latest("pk").pk)
    row = ItemQuality.objects.get(item=ru_item)
    assert "RU_OWN" not in row.checked
    assert row.rules_version > before


def test_a_change_by_a_system_actor_rescores_after_commit(django_capture_on_commit_callbacks):
    item = make_item("KZ")
    rescore([item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        quality_rule_update(actor=SYSTEM_INIT, code="CHARACTERISTICS", changes={"active": False})
    assert "CHARACTERISTICS" not in ItemQuality.objects.get(item=item).checked


# --- explanations ---------------------------------------------------------------------------------


def test_the_explanation_shows_the_own_rules_message_and_fix(ru_lead):
    own_rule(
        ru_lead,
        "min_references",
        {"count": 2},
        messages={"en": "Two sources at least", "ru": "Не менее двух источников"},
        fixes={"en": "Find a second source"},
    )
    item = make_item()
    rescore([item.pk])
    by_code = {r.code: r for r in item_quality(item.pk).rules}
    assert by_code["RU_OWN"].message == "Two sources at least"
    assert by_code["RU_OWN"].fix == "Find a second source"
    assert ItemQuality.objects.get(item=item).versions["RU_OWN"] == 1
    with translation.override("ru"):
        ru = {r.code: r for r in item_quality(item.pk).rules}["RU_OWN"]
    assert ru.message == "Не менее двух источников"
    # No hint in Russian: the kind's generic hint, translated.
    assert ru.fix == "Добавляйте обозначения, пока их не станет 2."
    assert "2" in ru.fix


def test_without_a_title_in_the_readers_language_the_kinds_message_is_translated(ru_lead):
    own_rule(ru_lead, "characteristic", {"characteristic": "THDD"}, messages={"ru": "Резьба"})
    item = make_item()
    rescore([item.pk])
    message = {r.code: r.message for r in item_quality(item.pk).rules}["RU_OWN"]
    assert "THDD" in message
    assert message != "Резьба"
    with translation.override("kk"):
        kk = {r.code: r.message for r in item_quality(item.pk).rules}["RU_OWN"]
    assert kk.startswith("Сипаттамада THDD")


def test_own_rules_are_evaluated_in_bulk_whatever_the_batch_size(
    ru_lead, django_assert_max_num_queries
):
    """Each rule costs a few set-based queries per batch, not a query per item."""
    own_rule(
        ru_lead, "characteristic", {"characteristic": "THDD", "supply_class": "5310"}, code="A"
    )
    own_rule(ru_lead, "name_language", {"language": "kk"}, code="B")
    own_rule(ru_lead, "min_references", {"count": 2}, code="C")
    own_rule(ru_lead, "reference_category", {"category": "1"}, code="D")
    few = [make_item().pk for _ in range(2)]
    many = [make_item().pk for _ in range(20)]
    with django_assert_max_num_queries(40) as small:
        rescore(few)
    with django_assert_max_num_queries(len(small.captured_queries)):
        rescore(many)
    rows = ItemQuality.objects.filter(item_id__in=many)
    assert all({"RU_A", "RU_C", "RU_D"} <= set(r.failed) for r in rows)


def test_the_command_lists_the_rules_in_force(ru_lead):
    from io import StringIO

    from django.core.management import call_command

    own_rule(ru_lead, "min_references", {"count": 1}, messages={"en": "One reference at least"})
    quality_rule_update(actor=ru_lead, code="CHARACTERISTICS", changes={"active": False})
    out = StringIO()
    call_command("quality", "rules", actor="ru-lead", stdout=out)
    lines = {line.split("\t")[0]: line.split("\t") for line in out.getvalue().splitlines()}
    assert lines["RU_OWN"][1:] == ["50", "active", "v1", "One reference at least"]
    assert lines["CHARACTERISTICS"][1:3] == ["30", "switched off"]
    assert lines["CHARACTERISTICS"][3] == "v1/1"
