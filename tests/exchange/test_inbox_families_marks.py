"""Interchangeability families and export-control marks travel with their items' states: as
they were sent, within the authority of their stating (families) or assigning (marks) bureau,
and never for a restricted item."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from katalog.catalog import services
from katalog.catalog.models import InterchangeFamily, Item
from katalog.classifiers import services as classifier_services
from katalog.classifiers.models import ControlListMark
from katalog.core.actors import SYSTEM_INIT
from katalog.exchange import items as item_replica
from katalog.exchange.feed import shared_digest
from katalog.exchange.inbox import events_receive
from katalog.exchange.models import ExchangeProblem, OutboxEvent, ProblemKind
from katalog.exchange.outbox import item_event_state
from tests.exchange.test_inbox import _nodes, signed  # noqa: F401  (the two nodes)
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

EU = "eu-dual-use"
EU_2024 = "eu-dual-use-2024"


def entry(code: str) -> classifier_services.EntryRef:
    return classifier_services.EntryRef(list=EU, code=code)


def states_of(*numbers: str) -> dict[str, dict]:
    found = item_replica.item_states(numbers)
    return {niin: item_event_state(found[niin]) for niin in numbers}


def made_elsewhere(build):
    """What Russia's node would send and hold after `build` ran there: the event states of
    the items it returns, the events its outbox wrote and its digest; nothing is kept here
    (built in a transaction that is rolled back)."""
    with transaction.atomic():
        last = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        built = build()
        states = states_of(*(item.niin for item in built))
        events = [
            (event.action, event.object_key, json.loads(event.state_json))
            for event in OutboxEvent.objects.filter(pk__gt=last).order_by("seq")
        ]
        digest = shared_digest()
        transaction.set_rollback(True)
    return states, events, digest


def receive(states: dict[str, dict], action: str, first_seq: int = 1) -> None:
    events = [signed(first_seq + n, action, s) for n, s in enumerate(states.values())]
    report = events_receive(events, transport="file")
    assert (report.applied, report.problems) == (len(events), 0)


def ru_cataloguer():
    return UserFactory(username="ru-cataloguer", bureau=bureau("RU"))


def kz_cataloguer():
    return UserFactory(username="kz-cataloguer", bureau=bureau("KZ"))


def ru_family():
    """A Russian family: a master, a one-way member with conditions, a two-way member."""
    cataloguer = ru_cataloguer()
    master, one_way, two_way = (make_item("RU") for _ in range(3))
    for item in (master, one_way, two_way):
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("RU"))
    family = services.family_create(actor=cataloguer, master=master)
    services.family_member_add(
        actor=cataloguer,
        family=family,
        item=one_way,
        relation="replaces_master",
        conditions="ТОЛЬКО ДЛЯ ИЗДЕЛИЙ ДО 2020 Г.",
    )
    services.family_member_add(actor=cataloguer, family=family, item=two_way, relation="two_way")
    return [master, one_way, two_way]


def family_here(niin: str) -> dict | None:
    return item_replica.item_states([niin])[niin]["family"]


# --- families --------------------------------------------------------------------------------


def test_a_family_arrives_as_it_was_stated_and_the_digests_agree():
    sent, events, digest = made_elsewhere(ru_family)
    master, one_way, two_way = sent
    stated = sent[master]["item"]["family"]
    assert stated["bureau"] == "RU"
    assert stated["master"] == master
    assert [(m["item"], m["relation"]) for m in stated["members"]] == sorted(
        [(one_way, "replaces_master"), (two_way, "two_way")]
    )
    # Every item of the family carries it, in the events its changes wrote too.
    assert all(s["item"]["family"] == stated for s in sent.values())
    added = [state for action, _key, state in events if action == "family_member_added"]
    assert added
    assert added[-1]["item"]["family"] == stated
    receive(sent, "created")
    for niin, state in sent.items():
        assert item_replica.item_states([niin])[niin] == state["item"]
    family = InterchangeFamily.objects.get(master__niin=master)
    assert family.bureau.key == "RU"
    assert family.members.get(item__niin=one_way).conditions == "ТОЛЬКО ДЛЯ ИЗДЕЛИЙ ДО 2020 Г."
    assert shared_digest() == digest


def test_a_new_master_and_a_member_taken_out_arrive_as_well():
    sent, _events, _digest = made_elsewhere(ru_family)
    receive(sent, "created")
    master, one_way, two_way = (Item.objects.get(niin=n) for n in sent)

    def changed_there():
        cataloguer = ru_cataloguer()
        family = InterchangeFamily.objects.get(master=master)
        family = services.family_master_set(actor=cataloguer, family=family, item=two_way)
        services.family_member_remove(actor=cataloguer, family=family, item=one_way)
        return [master, one_way, two_way]

    changed, _events, digest = made_elsewhere(changed_there)
    receive(changed, "family_member_removed", first_seq=4)
    assert family_here(one_way.niin) is None
    stated = family_here(two_way.niin)
    assert stated == changed[two_way.niin]["item"]["family"]
    assert stated["master"] == two_way.niin
    assert [(m["item"], m["relation"]) for m in stated["members"]] == [(master.niin, "two_way")]
    assert InterchangeFamily.objects.count() == 1
    assert shared_digest() == digest


def test_another_bureaus_event_does_not_change_a_family_stated_here():
    sent, _events, _digest = made_elsewhere(lambda: [make_item("RU")])
    receive(sent, "created")
    ru_item = Item.objects.get(niin=next(iter(sent)))
    cataloguer = kz_cataloguer()
    family = services.family_create(actor=cataloguer, master=make_item("KZ"))
    services.family_member_add(actor=cataloguer, family=family, item=ru_item, relation="two_way")
    ours = family_here(ru_item.niin)
    assert ours["bureau"] == "KZ"
    # Russia's later state of its item knows no family; then one that claims Kazakhstan's
    # family has no members, then one that states a Russian family of the two items.
    state = sent[ru_item.niin]
    claimed = {"bureau": "KZ", "master": family.master.niin, "members": []}
    stated = {
        "bureau": "RU",
        "master": ru_item.niin,
        "members": [
            {
                "item": family.master.niin,
                "relation": "two_way",
                "conditions": "",
                "bureau": "RU",
                "stated_on": "2026-01-01",
            }
        ],
    }
    events = [
        signed(2, "reference_added", state),
        signed(3, "family_created", {**state, "item": {**state["item"], "family": claimed}}),
        signed(4, "family_created", {**state, "item": {**state["item"], "family": stated}}),
    ]
    report = events_receive(events, transport="file")
    assert (report.applied, report.problems) == (3, 0)
    assert family_here(ru_item.niin) == ours
    assert family_here(family.master.niin) == ours
    assert InterchangeFamily.objects.count() == 1


def test_a_restricted_master_keeps_its_family_at_home():
    def restricted_family():
        cataloguer = ru_cataloguer()
        master = make_item("RU", release="restricted")
        member = make_item("RU")
        family = services.family_create(actor=cataloguer, master=master)
        services.family_member_add(actor=cataloguer, family=family, item=member, relation="two_way")
        return [master, member]

    sent, _events, digest = made_elsewhere(restricted_family)
    master, member = sent
    assert "family" not in sent[master]["item"]
    assert sent[member]["item"]["family"] is None
    receive(sent, "created")
    assert not InterchangeFamily.objects.exists()
    assert shared_digest() == digest


def test_an_item_released_in_full_joins_its_family_elsewhere():
    with transaction.atomic():
        cataloguer = ru_cataloguer()
        master, member = make_item("RU"), make_item("RU", release="restricted")
        family = services.family_create(actor=cataloguer, master=master)
        services.family_member_add(actor=cataloguer, family=family, item=member, relation="two_way")
        sent = states_of(master.niin, member.niin)
        last = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        services.item_identification_update(
            actor=SYSTEM_INIT, item=member, expected_version=None, changes={"release": "public"}
        )
        events = list(OutboxEvent.objects.filter(pk__gt=last).order_by("seq"))
        digest = shared_digest()
        transaction.set_rollback(True)
    assert sent[master.niin]["item"]["family"]["members"] == []
    receive(sent, "created")
    # The change is an event of every item of the family: their states show the member now.
    assert sorted(e.object_key for e in events) == sorted([master.niin, member.niin])
    report = events_receive(
        [
            signed(3 + n, event.action, json.loads(event.state_json))
            for n, event in enumerate(events)
        ],
        transport="file",
    )
    assert (report.applied, report.problems) == (2, 0)
    assert [m["item"] for m in family_here(master.niin)["members"]] == [member.niin]
    assert shared_digest() == digest


# --- export-control marks --------------------------------------------------------------------


def ru_marked():
    item = make_item("RU")
    classifier_services.control_entries_set(
        actor=SYSTEM_INIT, item=item, entries=[entry("3A"), entry("5D")]
    )
    return [item]


def test_marks_arrive_as_they_were_set_and_the_digests_agree():
    sent, events, digest = made_elsewhere(ru_marked)
    (niin,) = sent
    marks = [
        {"list": EU, "version": EU_2024, "code": "3A"},
        {"list": EU, "version": EU_2024, "code": "5D"},
    ]
    assert sent[niin]["item"]["control_marks"] == marks
    # Setting the marks is an event of the item.
    (set_event,) = [e for e in events if e[0] == "control_entries_set"]
    assert set_event[1] == niin
    assert set_event[2]["item"]["control_marks"] == marks
    receive(sent, "created")
    assert item_replica.item_states([niin])[niin] == sent[niin]["item"]
    codes = ControlListMark.objects.filter(item__niin=niin).values_list("entry__code", flat=True)
    assert sorted(codes) == ["3A", "5D"]
    assert shared_digest() == digest
    # Marks cleared there are cleared here.
    cleared = {niin: {**sent[niin], "item": {**sent[niin]["item"], "control_marks": []}}}
    receive(cleared, "control_entries_set", first_seq=2)
    assert not ControlListMark.objects.filter(item__niin=niin).exists()


def test_another_nation_does_not_change_the_marks_of_an_item_it_did_not_assign():
    item = make_item("KZ")
    classifier_services.control_entries_set(actor=SYSTEM_INIT, item=item, entries=[entry("3A")])
    state = states_of(item.niin)[item.niin]
    others = {"list": EU, "version": EU_2024, "code": "5D"}
    rows = {**state, "item": {**state["item"], "control_marks": [others]}}
    report = events_receive(
        [signed(1, "registration_added", rows), signed(2, "control_entries_set", rows)],
        transport="file",
    )
    # Its rows are Russia's to send, the marks are not: the first changes no mark, the second
    # is the assigning bureau's change, refused.
    assert (report.applied, report.problems) == (1, 1)
    assert ExchangeProblem.objects.get().kind == ProblemKind.NOT_ASSIGNING_BUREAU
    codes = ControlListMark.objects.filter(item=item).values_list("entry__code", flat=True)
    assert list(codes) == ["3A"]


def test_the_marks_of_a_restricted_item_do_not_travel():
    def restricted():
        item = make_item("RU", release="restricted")
        classifier_services.control_entries_set(actor=SYSTEM_INIT, item=item, entries=[entry("3A")])
        return [item]

    sent, events, digest = made_elsewhere(restricted)
    (niin,) = sent
    assert "control_marks" not in sent[niin]["item"]
    assert events
    assert all("control_marks" not in state["item"] for _a, _k, state in events)
    receive(sent, "created")
    assert not ControlListMark.objects.filter(item__niin=niin).exists()
    assert shared_digest() == digest
