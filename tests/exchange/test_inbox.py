"""Applying a peer's signed events: verified, once, in order, within the sender's authority."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from nacl.signing import SigningKey

from katalog.catalog import replica, services
from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.exchange import keys
from katalog.exchange.inbox import events_receive
from katalog.exchange.models import (
    ExchangeProblem,
    OutboxEvent,
    PeerPosition,
    PendingEvent,
    ProblemKind,
)
from katalog.exchange.outbox import canonical_bytes, item_event_state
from katalog.exchange.selectors import exchange_status
from katalog.exchange.services import node_add
from katalog.screening.models import ReferenceScreeningKey
from tests.factories import ManufacturerFactory, bureau, make_item

pytestmark = pytest.mark.django_db

RU_KEY = SigningKey.generate()


@pytest.fixture(autouse=True)
def _nodes(settings, tmp_path, monkeypatch):
    """This installation is Kazakhstan's bureau; Russia's node is a registered peer."""
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "KZ", "--name", "kz-main")
    node_add(
        actor=SYSTEM_OPERATOR,
        name="ru-main",
        bureau_key="RU",
        public_key=keys.public_key_text(RU_KEY.verify_key),
    )


def signed(seq, action, state, *, origin="ru-main", key=RU_KEY, object_type="item"):
    fields = {
        "origin": origin,
        "seq": seq,
        "at": timezone.now().isoformat(),
        "author": "ivanov",
        "action": action,
        "object_type": object_type,
        "object_key": state.get("item", state.get("manufacturer", {})).get("niin", "x"),
        "state": state,
    }
    return {**fields, "signature": keys.sign(canonical_bytes(fields), key)}


def state_made_elsewhere(build):
    """The state an item would have where `build` ran, without keeping it here: built in a
    transaction that is rolled back."""
    with transaction.atomic():
        item = build()
        state = item_event_state(replica.item_states([item.niin])[item.niin])
        transaction.set_rollback(True)
    return state


def ru_item_with_reference():
    maker = ManufacturerFactory(code="A77BF")
    item = make_item("RU")
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="HX9-M8-69")
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("RU"))
    return item


def test_an_item_of_the_peer_arrives_as_it_was_sent():
    state = state_made_elsewhere(ru_item_with_reference)
    niin = state["item"]["niin"]
    assert not Item.objects.filter(niin=niin).exists()
    report = events_receive([signed(1, "created", state)], transport="file")
    assert (report.applied, report.problems) == (1, 0)
    assert replica.item_states([niin])[niin] == state["item"]
    assert PeerPosition.objects.get(origin="ru-main").applied_seq == 1
    # Screenable at once: the received reference has its folded screening key.
    assert ReferenceScreeningKey.objects.filter(reference__item__niin=niin).count() == 1
    # Kept in this node's log for relaying, under its origin, and not re-emitted as ours.
    assert list(OutboxEvent.objects.values_list("origin", "seq")) == [("ru-main", 1)]


def test_an_event_seen_twice_changes_nothing():
    event = signed(1, "created", state_made_elsewhere(ru_item_with_reference))
    events_receive([event], transport="file")
    version = Item.objects.get(niin=event["state"]["item"]["niin"]).row_version
    report = events_receive([event, event], transport="http")
    assert (report.applied, report.duplicates) == (0, 2)
    assert Item.objects.get(niin=event["state"]["item"]["niin"]).row_version == version


def test_an_event_after_a_gap_waits_for_it():
    first = state_made_elsewhere(ru_item_with_reference)
    second = dict(first, item=dict(first["item"], name_text="BOLT, HEX"))
    report = events_receive([signed(2, "identification_changed", second)], transport="file")
    assert (report.applied, report.waiting) == (0, 1)
    assert not Item.objects.filter(niin=first["item"]["niin"]).exists()
    (status,) = exchange_status()
    assert (status.origin, status.waiting_for, status.lag_events) == ("ru-main", 1, 2)
    report = events_receive([signed(1, "created", first)], transport="file")
    assert (report.applied, report.waiting) == (2, 0)
    assert Item.objects.get(niin=first["item"]["niin"]).name_text == "BOLT, HEX"


def test_a_changed_byte_or_an_unknown_key_applies_nothing():
    state = state_made_elsewhere(ru_item_with_reference)
    tampered = signed(1, "created", state)
    tampered["author"] = "petrov"
    stranger = signed(1, "created", state, key=SigningKey.generate())
    unknown = signed(1, "created", state, origin="xx-main", key=SigningKey.generate())
    report = events_receive([tampered, stranger, unknown], transport="file")
    assert (report.applied, report.problems) == (0, 3)
    assert not Item.objects.filter(niin=state["item"]["niin"]).exists()
    assert sorted(ExchangeProblem.objects.values_list("kind", flat=True)) == sorted(
        [ProblemKind.SIGNATURE_INVALID, ProblemKind.SIGNATURE_INVALID, ProblemKind.ORIGIN_UNKNOWN]
    )
    assert not PeerPosition.objects.filter(applied_seq__gt=0).exists()


def test_a_peer_changing_another_bureaus_item_is_a_problem_not_a_change():
    item = make_item("KZ", name_text="NUT")
    before = replica.item_states([item.niin])[item.niin]
    state = item_event_state(dict(before, name_text="SOMETHING ELSE"))
    report = events_receive([signed(1, "identification_changed", state)], transport="file")
    assert (report.applied, report.problems) == (0, 1)
    assert replica.item_states([item.niin])[item.niin] == before
    problem = ExchangeProblem.objects.get()
    assert problem.kind == ProblemKind.NOT_ASSIGNING_BUREAU
    assert '"name_text":"NUT"' in problem.local_json
    # The sequence moves on past it: the problem waits for a person, the stream does not.
    assert PeerPosition.objects.get(origin="ru-main").applied_seq == 1


def test_numbers_under_a_code_the_sender_does_not_hold_are_refused():
    state = state_made_elsewhere(lambda: make_item("KZ"))
    state["item"]["bureau"] = "RU"
    events_receive([signed(1, "created", state)], transport="file")
    assert ExchangeProblem.objects.get().kind == ProblemKind.ALLOCATION_NOT_HELD
    assert not Item.objects.filter(niin=state["item"]["niin"]).exists()


def test_a_nation_registering_on_anothers_item_changes_only_its_own_rows():
    item = make_item("KZ", name_text="NUT")
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"))
    sent = replica.item_states([item.niin])[item.niin]
    sent = dict(
        sent,
        name_text="IGNORED",
        registrations=[
            {"bureau": "RU", "from": "2026-01-05", "to": None},
            {"bureau": "KZ", "from": "2026-01-01", "to": "2026-02-01"},
        ],
    )
    report = events_receive(
        [signed(1, "registration_added", item_event_state(sent))], transport="file"
    )
    assert report.applied == 1
    after = replica.item_states([item.niin])[item.niin]
    assert after["name_text"] == "NUT"
    assert {(r["bureau"], r["to"]) for r in after["registrations"]} == {("KZ", None), ("RU", None)}
    assert dt.date(2026, 1, 5).isoformat() in {r["from"] for r in after["registrations"]}


def _ru_item_registered_here():
    """Russia's item, received here, on which this nation (KZ) then registered as a user."""
    state = state_made_elsewhere(ru_item_with_reference)
    events_receive([signed(1, "created", state)], transport="file")
    item = Item.objects.get(niin=state["item"]["niin"])
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"))
    return item, state


def test_the_assigning_bureaus_later_state_does_not_undo_another_nations_rows():
    item, state = _ru_item_registered_here()
    # Russia changed its item before it heard of the Kazakh registration: its state lacks it.
    changed = dict(state["item"], name_text="LOCKING NUT")
    report = events_receive(
        [signed(2, "identification_changed", dict(state, item=changed))], transport="file"
    )
    assert (report.applied, report.problems) == (1, 0)
    after = replica.item_states([item.niin])[item.niin]
    assert after["name_text"] == "LOCKING NUT"
    assert {(r["bureau"], r["to"]) for r in after["registrations"]} == {("RU", None), ("KZ", None)}


def test_a_cancellation_by_the_assigning_bureau_answers_for_every_nations_rows():
    item, state = _ru_item_registered_here()
    cancelled = dict(state["item"], status="4", registrations=[])
    report = events_receive([signed(2, "cancelled", dict(state, item=cancelled))], transport="file")
    assert (report.applied, report.problems) == (1, 0)
    assert replica.item_states([item.niin])[item.niin]["registrations"] == []


def test_an_item_with_a_user_here_stays_active_whatever_the_assigning_bureau_last_saw():
    item, state = _ru_item_registered_here()
    unused = dict(state["item"], status="6", registrations=[])
    events_receive(
        [signed(2, "registration_withdrawn", dict(state, item=unused))], transport="file"
    )
    after = replica.item_states([item.niin])[item.niin]
    assert [r["bureau"] for r in after["registrations"]] == ["KZ"]
    assert after["status"] == "0"


def test_a_manufacturer_of_another_bureau_is_not_changed_by_a_peer():
    maker = ManufacturerFactory(code="K1234", country_id="KZ", bureau=bureau("KZ"))
    state = {"manufacturer": dict(replica.manufacturer_state(maker), names={"en": "Taken"})}
    state["manufacturer"]["bureau"] = "RU"
    report = events_receive(
        [signed(1, "manufacturer_changed", state, object_type="manufacturer")], transport="file"
    )
    assert report.problems == 1
    maker.refresh_from_db()
    assert maker.names["en"] != "Taken"


def test_events_kept_by_a_delivery_that_stopped_are_applied_by_the_next():
    state = state_made_elsewhere(ru_item_with_reference)
    first, second = signed(1, "created", state), signed(2, "snapshot", state)
    # As a process killed after keeping the events and before applying them leaves them.
    PeerPosition.objects.create(origin="ru-main")
    for event in (first, second):
        PendingEvent.objects.create(
            origin="ru-main", seq=event["seq"], payload_json=json.dumps(event)
        )
    report = events_receive([first, second], transport="file")
    assert (report.applied, report.waiting) == (2, 0)
    assert Item.objects.filter(niin=state["item"]["niin"]).exists()
