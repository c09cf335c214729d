"""Interchangeability families: the rules (one family per item, an active master, no relation
to itself), who may change a family, its audit entry, and the alternatives a lookup offers in
the direction of each relation and within the release rules."""

from __future__ import annotations

import pytest

from katalog.audit.models import AuditEntry
from katalog.catalog import interchange_selectors, services
from katalog.catalog.models import InterchangeFamily, InterchangeMember, Item
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import Conflict, PermissionDenied, RuleViolation, ValidationFailed
from katalog.transfer.exporters import ITEM_COLUMNS, item_rows
from tests.factories import UserFactory, bureau, history_of, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def cataloguer():
    return UserFactory(username="ru-interchange", bureau=bureau("RU"))


@pytest.fixture
def family(cataloguer):
    master = make_item("RU", name_text="ГАЙКА ОСНОВНАЯ")
    return services.family_create(actor=cataloguer, master=master)


def numbers(alternatives):
    return [a["catalogue_number"] for a in alternatives]


def refreshed(item: Item) -> Item:
    return Item.objects.select_related("replaced_by").get(pk=item.pk)


# --- the rules ----------------------------------------------------------------------------


def test_a_family_is_stated_by_the_actors_bureau(family):
    assert family.bureau.key == "RU"
    assert family.master.status == "0"


def test_an_item_is_in_at_most_one_family(cataloguer, family):
    member = make_item("RU")
    services.family_member_add(actor=cataloguer, family=family, item=member, relation="two_way")
    other = services.family_create(actor=cataloguer, master=make_item("RU"))
    with pytest.raises(Conflict) as refused:
        services.family_member_add(actor=cataloguer, family=other, item=member, relation="two_way")
    assert refused.value.code == "IN_OTHER_FAMILY"
    with pytest.raises(Conflict):
        services.family_member_add(
            actor=cataloguer, family=other, item=family.master, relation="two_way"
        )
    with pytest.raises(Conflict):
        services.family_create(actor=cataloguer, master=member)
    assert InterchangeMember.objects.filter(family=other).count() == 0


def test_the_master_is_active(cataloguer):
    cancelled = make_item("RU")
    services.item_cancel(actor=SYSTEM_INIT, item=cancelled, reason="B")
    with pytest.raises(RuleViolation) as refused:
        services.family_create(actor=cataloguer, master=refreshed(cancelled))
    assert refused.value.code == "MASTER_NOT_ACTIVE"
    assert not InterchangeFamily.objects.exists()


def test_a_cancelled_member_cannot_become_the_master(cataloguer, family):
    member = make_item("RU")
    services.family_member_add(actor=cataloguer, family=family, item=member, relation="two_way")
    services.item_cancel(actor=SYSTEM_INIT, item=member, reason="B")
    with pytest.raises(RuleViolation) as refused:
        services.family_master_set(actor=cataloguer, family=family, item=member)
    assert refused.value.code == "MASTER_NOT_ACTIVE"


def test_no_relation_to_itself(cataloguer, family):
    with pytest.raises(RuleViolation) as refused:
        services.family_member_add(
            actor=cataloguer, family=family, item=family.master, relation="two_way"
        )
    assert refused.value.code == "SELF_RELATION"


def test_an_unknown_relation_and_overlong_conditions_are_refused(cataloguer, family):
    with pytest.raises(ValidationFailed) as unknown:
        services.family_member_add(
            actor=cataloguer, family=family, item=make_item("RU"), relation="sideways"
        )
    assert unknown.value.code == "UNKNOWN_RELATION"
    with pytest.raises(ValidationFailed) as long:
        services.family_member_add(
            actor=cataloguer,
            family=family,
            item=make_item("RU"),
            relation="two_way",
            conditions="x" * 501,
        )
    assert long.value.code == "TEXT_TOO_LONG"
    assert not InterchangeMember.objects.exists()


def test_the_master_is_not_removed_and_a_member_is(cataloguer, family):
    member = make_item("RU")
    services.family_member_add(actor=cataloguer, family=family, item=member, relation="two_way")
    with pytest.raises(RuleViolation) as refused:
        services.family_member_remove(actor=cataloguer, family=family, item=family.master)
    assert refused.value.code == "MASTER_NOT_REMOVABLE"
    services.family_member_remove(actor=cataloguer, family=family, item=member)
    assert not InterchangeMember.objects.exists()


def test_a_new_master_turns_the_one_way_relation_round(cataloguer, family):
    member = make_item("RU")
    services.family_member_add(
        actor=cataloguer, family=family, item=member, relation="replaces_master", conditions="C"
    )
    old_master = family.master
    family = services.family_master_set(actor=cataloguer, family=family, item=member)
    assert family.master_id == member.pk
    moved = InterchangeMember.objects.get(family=family)
    assert (moved.item_id, moved.relation, moved.conditions) == (
        old_master.pk,
        "replaced_by_master",
        "C",
    )
    # The new master may still be used in place of the old one, and only that way.
    assert numbers(interchange_selectors.usable_alternatives(old_master, SYSTEM_INIT)) == [
        member.catalogue_number
    ]
    assert interchange_selectors.usable_alternatives(member, SYSTEM_INIT) == []


# --- rights and audit -----------------------------------------------------------------------


def test_another_bureau_is_refused_and_nothing_is_written(family):
    kz = UserFactory(username="kz-interchange", bureau=bureau("KZ"))
    member = make_item("KZ")
    before = AuditEntry.objects.count()
    version = refreshed(family.master).row_version
    with pytest.raises(PermissionDenied) as refused:
        services.family_member_add(actor=kz, family=family, item=member, relation="two_way")
    assert refused.value.code == "NOT_FAMILY_BUREAU"
    with pytest.raises(PermissionDenied):
        services.family_master_set(actor=kz, family=family, item=member)
    with pytest.raises(PermissionDenied):
        services.family_member_remove(actor=kz, family=family, item=member)
    assert not InterchangeMember.objects.exists()
    assert AuditEntry.objects.count() == before
    assert refreshed(family.master).row_version == version


def test_a_family_needs_a_bureau_that_uses_the_master():
    kz = UserFactory(username="kz-creator", bureau=bureau("KZ"))
    with pytest.raises(PermissionDenied):
        services.family_create(actor=kz, master=make_item("RU"))
    assert not InterchangeFamily.objects.exists()


def test_a_viewer_may_not_change_a_family(family):
    viewer = UserFactory(username="ru-viewer-ic", bureau=bureau("RU"), roles=["viewer"])
    with pytest.raises(PermissionDenied):
        services.family_member_add(
            actor=viewer, family=family, item=make_item("RU"), relation="two_way"
        )


def test_a_change_is_recorded_once_with_every_item_as_subject(cataloguer, family):
    member = make_item("RU")
    version = refreshed(member).row_version
    services.family_member_add(
        actor=cataloguer, family=family, item=member, relation="two_way", conditions="в сборе"
    )
    entry = history_of(member)[-1]
    assert entry.action == "family_member_added"
    assert entry.changes["after"]["relation"] == "two_way"
    assert entry.changes["after"]["conditions"] == "в сборе"
    assert history_of(family.master)[-1].seq == entry.seq
    assert refreshed(member).row_version == version + 1
    assert history_of(family.master)[0].action == "created"
    assert [e.action for e in history_of(family.master)][-2:] == [
        "family_created",
        "family_member_added",
    ]


# --- lookups --------------------------------------------------------------------------------


def test_may_replace_gives_the_alternative_only_in_its_direction(cataloguer, family):
    one_way = make_item("RU")
    services.family_member_add(
        actor=cataloguer, family=family, item=one_way, relation="replaces_master"
    )
    master = family.master
    # The member may be used in place of the master …
    assert numbers(interchange_selectors.usable_alternatives(master, SYSTEM_INIT)) == [
        one_way.catalogue_number
    ]
    # … and not the reverse.
    assert interchange_selectors.usable_alternatives(one_way, SYSTEM_INIT) == []


def test_two_way_gives_the_alternative_both_ways(cataloguer, family):
    first, second = make_item("RU"), make_item("RU")
    for member in (first, second):
        services.family_member_add(actor=cataloguer, family=family, item=member, relation="two_way")
    assert numbers(interchange_selectors.usable_alternatives(family.master, SYSTEM_INIT)) == [
        first.catalogue_number,
        second.catalogue_number,
    ]
    assert numbers(interchange_selectors.usable_alternatives(first, SYSTEM_INIT)) == [
        family.master.catalogue_number,
        second.catalogue_number,
    ]


def test_a_cancelled_item_leads_to_active_members_and_its_replacement(cataloguer, family):
    master = family.master
    active, cancelled_member, one_way_back = make_item("RU"), make_item("RU"), make_item("RU")
    services.family_member_add(actor=cataloguer, family=family, item=active, relation="two_way")
    services.family_member_add(
        actor=cataloguer, family=family, item=cancelled_member, relation="two_way"
    )
    services.family_member_add(
        actor=cataloguer, family=family, item=one_way_back, relation="replaced_by_master"
    )
    services.item_cancel(actor=SYSTEM_INIT, item=cancelled_member, reason="B")
    replacement = make_item("RU")
    services.item_cancel(actor=SYSTEM_INIT, item=master, reason="A", replacement=replacement)
    found = interchange_selectors.usable_alternatives(refreshed(master), SYSTEM_INIT)
    assert numbers(found) == [active.catalogue_number, replacement.catalogue_number]
    assert [a["source"] for a in found] == ["family", "replacement"]


def test_an_alternative_the_reader_may_not_see_is_left_out(cataloguer, family):
    secret = make_item("KZ", release="restricted")
    services.family_member_add(actor=SYSTEM_INIT, family=family, item=secret, relation="two_way")
    shown = make_item("RU")
    services.family_member_add(actor=cataloguer, family=family, item=shown, relation="two_way")
    reader = UserFactory(username="ru-reader-ic", bureau=bureau("RU"), roles=["viewer"])
    assert numbers(interchange_selectors.usable_alternatives(family.master, reader)) == [
        shown.catalogue_number
    ]
    view = interchange_selectors.item_interchange(family.master.niin, reader)
    assert [m["catalogue_number"] for m in view["members"]] == [shown.catalogue_number]
    kz_reader = UserFactory(username="kz-reader-ic", bureau=bureau("KZ"), roles=["viewer"])
    assert secret.catalogue_number in numbers(
        interchange_selectors.usable_alternatives(family.master, kz_reader)
    )


def test_the_item_detail_shows_the_family(cataloguer, family):
    from katalog.catalog.selectors import item_detail, item_detail_by_number

    member = make_item("RU")
    services.family_member_add(
        actor=cataloguer, family=family, item=member, relation="replaces_master", conditions="C"
    )
    shown = item_detail(member, reader=cataloguer)["interchange"]
    assert shown["family_id"] == family.pk
    assert shown["relation"] == "replaces_master"
    assert shown["master"]["catalogue_number"] == family.master.catalogue_number
    assert shown["master"]["this_may_replace"] is True
    assert shown["master"]["may_replace_this"] is False
    assert [(m["catalogue_number"], m["conditions"]) for m in shown["members"]] == [
        (member.catalogue_number, "C")
    ]
    alone = make_item("RU")
    assert item_detail_by_number(alone.niin, reader=cataloguer)[0]["interchange"] is None


def test_the_export_has_the_alternatives_of_items_with_a_family(cataloguer, family):
    first, second = make_item("RU"), make_item("RU")
    for member in (first, second):
        services.family_member_add(actor=cataloguer, family=family, item=member, relation="two_way")
    alone = make_item("RU")
    rows = {
        row[0]: dict(zip(ITEM_COLUMNS, row, strict=True))
        for row in item_rows([family.master.pk, first.pk, alone.pk], reader=cataloguer)
    }
    assert rows[family.master.catalogue_number]["alternatives"] == (
        f"{first.catalogue_number};{second.catalogue_number}"
    )
    assert rows[first.catalogue_number]["alternatives"] == (
        f"{family.master.catalogue_number};{second.catalogue_number}"
    )
    assert rows[alone.catalogue_number]["alternatives"] == ""


def test_the_lookup_command_prints_the_family(cataloguer, family):
    import io

    from django.core.management import call_command

    member = make_item("RU")
    services.family_member_add(
        actor=cataloguer, family=family, item=member, relation="replaces_master", conditions="C"
    )
    out = io.StringIO()
    call_command("lookup", member.catalogue_number, "--actor", "ru-interchange", stdout=out)
    text = out.getvalue()
    assert f"{family.master.catalogue_number}  master" in text
    assert f"{member.catalogue_number}  replaces_master  C" in text
