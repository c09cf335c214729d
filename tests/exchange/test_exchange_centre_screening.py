"""The centre screens across nations as their events arrive; a national node does not."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from nacl.signing import SigningKey

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.exchange import keys
from katalog.exchange.inbox import events_receive
from katalog.exchange.models import ExchangeProblem
from katalog.exchange.services import node_add
from katalog.screening.explain import explanation_texts
from katalog.screening.models import DuplicateCandidate
from tests.exchange.test_inbox import signed, state_made_elsewhere
from tests.factories import ManufacturerFactory, make_item

pytestmark = pytest.mark.django_db

KZ_KEY = SigningKey.generate()
NUMBER = "HX9-M8-69"


def _peer(name, bureau_key, key):
    node_add(
        actor=SYSTEM_OPERATOR,
        name=name,
        bureau_key=bureau_key,
        public_key=keys.public_key_text(key.verify_key),
    )


@pytest.fixture
def maker():
    return ManufacturerFactory(code="A77BF")


def with_reference(bureau_key, maker):
    item = make_item(bureau_key)
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=maker, number=NUMBER, justification="6"
    )
    return item


def kz_event(maker):
    state = state_made_elsewhere(lambda: with_reference("KZ", maker))
    return signed(1, "created", state, origin="kz-main", key=KZ_KEY)


def test_at_the_centre_a_nations_item_with_anothers_reference_becomes_a_candidate(
    settings, tmp_path, monkeypatch, maker
):
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "MC", "--name", "centre")
    _peer("kz-main", "KZ", KZ_KEY)
    ru = with_reference("RU", maker)
    event = kz_event(maker)
    report = events_receive([event], transport="file")
    assert (report.applied, report.problems) == (1, 0)
    candidate = DuplicateCandidate.objects.select_related("item", "candidate").get()
    assert candidate.item.niin == event["state"]["item"]["niin"]
    assert candidate.candidate == ru
    assert candidate.verdict == "duplicate"
    assert explanation_texts(candidate.explanation)[0] == (
        f"Same reference number {NUMBER} of the same manufacturer A77BF"
    )
    # The same event again, and the next state of the item: still one pair.
    events_receive(
        [event, signed(2, "snapshot", event["state"], origin="kz-main", key=KZ_KEY)],
        transport="http",
    )
    assert DuplicateCandidate.objects.count() == 1
    assert not ExchangeProblem.objects.exists()


def test_a_national_node_keeps_no_queue_of_candidates(settings, tmp_path, monkeypatch, maker):
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "RU", "--name", "ru-main")
    _peer("kz-main", "KZ", KZ_KEY)
    with_reference("RU", maker)
    report = events_receive([kz_event(maker)], transport="file")
    assert (report.applied, report.problems) == (1, 0)
    assert not DuplicateCandidate.objects.exists()
