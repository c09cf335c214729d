"""The interstate reference data travels from the centre's node to the bureaus' as events:
item names and guides, the supply classification, classifier versions and their tables.

Two nodes in one database: this installation is Kazakhstan's bureau; what the centre's node
would emit is made in a transaction that is rolled back, with the centre's node as the local
one for its duration, so the events are those of the real outbox, signed with the centre's key.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from nacl.signing import SigningKey

from katalog.accounts.models import Role
from katalog.audit.models import AuditEntry
from katalog.classifiers import services as classifiers
from katalog.classifiers.models import CorrespondenceTable, Version
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.exchange import keys
from katalog.exchange.feed import shared_digest
from katalog.exchange.inbox import events_receive
from katalog.exchange.models import ExchangeProblem, Node, OutboxEvent, ProblemKind
from katalog.exchange.outbox import canonical_bytes, event_payload, reference_data_emit
from katalog.exchange.services import node_add
from katalog.names import services as names
from katalog.names.models import Characteristic, ItemName
from katalog.refdata import services as refdata
from katalog.refdata.models import SupplyClass
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db

CENTRE_KEY = SigningKey.generate()
RU_KEY = SigningKey.generate()
CSV = b"code,level,parent,name_en,name_ru\nA,section,,Alpha,\xd0\x90\n01,division,A,One,\n"


@pytest.fixture(autouse=True)
def _nodes(settings, tmp_path):
    """Kazakhstan's bureau here; the centre's node and Russia's are registered peers."""
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "KZ", "--name", "kz-main")
    for name, key, bureau_key in (("centre", CENTRE_KEY, "MC"), ("ru-main", RU_KEY, "RU")):
        node_add(
            actor=SYSTEM_OPERATOR,
            name=name,
            bureau_key=bureau_key,
            public_key=keys.public_key_text(key.verify_key),
        )


@pytest.fixture
def centre_person():
    return UserFactory(username="centre-cat", bureau=bureau("MC"), roles=[Role.CENTRE_CATALOGUER])


def at_node(name, key, monkeypatch, change):
    """The events node `name` emits for `change` and its digest after it; nothing is kept."""
    with transaction.atomic():
        Node.objects.filter(is_local=True).update(is_local=False)
        Node.objects.filter(name=name).update(is_local=True)
        with monkeypatch.context() as patch:
            patch.setattr(keys, "signing_key_read", lambda: key)
            change()
        events = [event_payload(e) for e in OutboxEvent.objects.filter(origin=name)]
        digest = shared_digest()
        transaction.set_rollback(True)
    return events, digest


def renamed_in_russian(person):
    name = ItemName.objects.get(code="10201")
    names.item_name_update(actor=person, item_name=name, names={**name.names, "ru": "БОЛТ ЧИСТЫЙ"})


def guide_tolerance_widened(person):
    characteristic = Characteristic.objects.get(guide__code="G0001", code="THDD")
    names.characteristic_update(
        actor=person, characteristic=characteristic, changes={"tolerance": 0.05, "required": False}
    )


def class_retitled(person):
    row = SupplyClass.objects.get(code="5305", valid_to__isnull=True)
    refdata.supply_class_update(
        actor=person, supply_class=row, titles={**row.titles, "ru": "Винты (новое)"}
    )


def version_published(person):
    classifiers.version_import(
        classification="isic",
        slug="isic31",
        names={"en": "ISIC Rev.3.1"},
        valid_from=dt.date(2002, 1, 1),
        valid_to=dt.date(2007, 12, 31),
        content=CSV,
        filename="isic31.csv",
        actor=person,
    )


CHANGES = [renamed_in_russian, guide_tolerance_widened, class_retitled, version_published]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_a_change_at_the_centre_reaches_the_bureau(change, centre_person, monkeypatch):
    before = shared_digest()["digest"]
    events, centre = at_node("centre", CENTRE_KEY, monkeypatch, lambda: change(centre_person))
    assert len(events) == 1
    assert centre["digest"] != before
    assert events[0]["author"] == "centre-cat"
    report = events_receive(events, transport="file")
    assert (report.applied, report.problems) == (1, 0)
    assert shared_digest() == centre
    [entry] = AuditEntry.objects.filter(action="received", object_type=events[0]["object_type"])
    assert entry.actor_name == "system:exchange"
    # Applied from the centre, not a change of this node's: never emitted again.
    assert list(OutboxEvent.objects.values_list("origin", "seq")) == [("centre", 1)]


def test_the_event_carries_the_state_after_the_change(centre_person, monkeypatch):
    events, _ = at_node(
        "centre", CENTRE_KEY, monkeypatch, lambda: renamed_in_russian(centre_person)
    )
    [event] = events
    assert (event["object_type"], event["object_key"]) == ("names.item_name", "10201")
    state = event["state"]["item_name"]
    assert state["names"]["ru"] == "БОЛТ ЧИСТЫЙ"
    assert state["guide"] == "G0002"
    assert state["classes"]
    public = keys.public_key_text(CENTRE_KEY.verify_key)
    fields = {k: v for k, v in event.items() if k != "signature"}
    assert keys.signature_valid(canonical_bytes(fields), event["signature"], public)


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_reference_data_from_a_bureaus_node_is_a_problem_and_changes_nothing(
    change, centre_person, monkeypatch
):
    # Russia's node sends what the centre would: the same state, signed with Russia's key.
    events, _ = at_node("centre", CENTRE_KEY, monkeypatch, lambda: change(centre_person))
    fields = {k: v for k, v in events[0].items() if k != "signature"} | {"origin": "ru-main"}
    forged = {**fields, "signature": keys.sign(canonical_bytes(fields), RU_KEY)}
    before = shared_digest()
    report = events_receive([forged], transport="file")
    assert (report.applied, report.problems) == (0, 1)
    assert shared_digest() == before
    problem = ExchangeProblem.objects.get()
    assert (problem.kind, problem.origin, problem.object_key) == (
        ProblemKind.NOT_CENTRE,
        "ru-main",
        forged["object_key"],
    )
    assert json.loads(problem.event_json)["state"] == forged["state"]
    if change is not version_published:  # a version new to the centre: nothing here yet
        assert json.loads(problem.local_json)
    assert not AuditEntry.objects.filter(action="received").exists()


def test_a_bureau_changing_reference_data_emits_nothing(centre_person, monkeypatch):
    events, _ = at_node("ru-main", RU_KEY, monkeypatch, lambda: class_retitled(centre_person))
    assert events == []


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_an_event_applied_twice_changes_nothing(change, centre_person, monkeypatch):
    events, centre = at_node("centre", CENTRE_KEY, monkeypatch, lambda: change(centre_person))
    events_receive(events, transport="file")
    received = AuditEntry.objects.filter(action="received").count()
    # The same event again, and the same state as a later event of the centre.
    again = {k: v for k, v in events[0].items() if k != "signature"} | {"seq": 2}
    again["at"] = timezone.now().isoformat()
    again = {**again, "signature": keys.sign(canonical_bytes(again), CENTRE_KEY)}
    report = events_receive([events[0], again], transport="http")
    assert (report.applied, report.duplicates, report.problems) == (1, 1, 0)
    assert AuditEntry.objects.filter(action="received").count() == received
    assert shared_digest() == centre


def test_loading_the_shipped_reference_data_at_the_centre_emits_nothing(monkeypatch):
    def reload():
        call_command("init", "--reference-only", "--no-migrate", verbosity=0)

    events, _ = at_node("centre", CENTRE_KEY, monkeypatch, reload)
    assert events == []


def test_the_centres_snapshot_brings_a_bureau_its_reference_data(monkeypatch):
    """The centre's snapshot at a bureau that lacks a version and holds an old title: the
    bureau ends with the centre's reference data; what it held already changes nothing."""

    def snapshot():
        version_published(SYSTEM_INIT)
        reference_data_emit(author="system:operator", at=timezone.now())

    events, centre = at_node("centre", CENTRE_KEY, monkeypatch, snapshot)
    kinds = [e["object_type"] for e in events]
    assert kinds.index("refdata.supply_class") < kinds.index("names.item_name")
    assert kinds.index("classifiers.version") < kinds.index("classifiers.table")
    # The import's own event, then the snapshot's; applied at a bureau that lacks the version.
    report = events_receive(events, transport="file")
    assert report.problems == 0
    assert shared_digest() == centre
    received = AuditEntry.objects.filter(action="received")
    assert list(received.values_list("object_key", flat=True)) == ["isic31"]
    assert Version.objects.get(slug="isic31").items.count() == 2


def test_a_correspondence_table_follows_its_version(centre_person, monkeypatch):
    def published_with_table():
        version_published(centre_person)
        classifiers.correspondence_table_import(
            slug="isic31-isic4",
            source="isic31",
            target="isic4",
            content=b"isic31,isic4\nA,A\n01,01\n",
            filename="isic31-isic4.csv",
            actor=centre_person,
        )

    events, centre = at_node("centre", CENTRE_KEY, monkeypatch, published_with_table)
    assert [e["object_type"] for e in events] == ["classifiers.version", "classifiers.table"]
    assert events[1]["state"]["classifier_table"]["rows"][0]["source"] == "01"
    report = events_receive(events, transport="file")
    assert (report.applied, report.problems) == (2, 0)
    assert shared_digest() == centre
    assert CorrespondenceTable.objects.get(slug="isic31-isic4").rows.count() == 2
