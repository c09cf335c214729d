"""The outbox: committed changes of shared data become signed, gapless events of this node."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from katalog.catalog import services
from katalog.core.actors import SYSTEM_EXCHANGE, SYSTEM_INIT
from katalog.core.errors import Conflict
from katalog.exchange import keys
from katalog.exchange.models import Node, OutboxEvent
from katalog.exchange.outbox import canonical_bytes, event_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _node(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "RU", "--name", "ru-main")


def test_each_committed_change_is_one_signed_event_in_sequence():
    made = services.manufacturer_create(
        actor=SYSTEM_INIT, code="A12BF", names={"en": "X"}, country="RU"
    )
    services.manufacturer_update(
        actor=SYSTEM_INIT, manufacturer=made, expected_version=None, changes={"names": {"en": "Y"}}
    )
    events = list(OutboxEvent.objects.all())
    assert [(e.origin, e.seq, e.object_key) for e in events] == [
        ("ru-main", 1, "A12BF"),
        ("ru-main", 2, "A12BF"),
    ]
    assert json.loads(events[0].state_json)["manufacturer"]["names"] == {"en": "X"}
    assert json.loads(events[1].state_json)["manufacturer"]["names"] == {"en": "Y"}
    public = Node.objects.get(is_local=True).public_key
    for event in events:
        assert keys.signature_valid(canonical_bytes(event_fields(event)), event.signature, public)
    events[1].author = "someone else"
    assert not keys.signature_valid(
        canonical_bytes(event_fields(events[1])), events[1].signature, public
    )


def test_a_refused_change_leaves_no_event():
    services.manufacturer_create(actor=SYSTEM_INIT, code="A12BF", names={"en": "X"}, country="RU")
    with pytest.raises(Conflict):
        services.manufacturer_create(
            actor=SYSTEM_INIT, code="A12BF", names={"en": "X"}, country="RU"
        )
    assert OutboxEvent.objects.count() == 1


def test_changes_applied_from_a_peer_are_not_emitted_again():
    services.manufacturer_create(
        actor=SYSTEM_EXCHANGE, code="A12BF", names={"en": "X"}, country="RU"
    )
    assert not OutboxEvent.objects.exists()
