"""The exchange as people and integrators see it: the status page, the status API, the worker's
schedule."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation
from nacl.signing import SigningKey

from katalog.core.actors import SYSTEM_OPERATOR
from katalog.core.periodic import periodic_tasks
from katalog.exchange import keys
from katalog.exchange.inbox import events_receive
from katalog.exchange.services import node_add
from tests.api.conftest import user_with_token
from tests.exchange.test_inbox import signed, state_made_elsewhere
from tests.factories import UserFactory, make_item

pytestmark = pytest.mark.django_db

PEER = SigningKey.generate()


@pytest.fixture
def centre(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "MC", "--name", "centre")
    node_add(
        actor=SYSTEM_OPERATOR,
        name="ru-main",
        bureau_key="RU",
        public_key=keys.public_key_text(PEER.verify_key),
        url="http://127.0.0.1:9/",
    )
    state = state_made_elsewhere(lambda: make_item("RU", name_text="NUT"))
    stray = signed(1, "created", state, key=SigningKey.generate())
    events_receive([signed(2, "created", state, key=PEER), stray], transport="file")


def test_the_status_page_shows_peers_waiting_events_and_problems_in_words(client, centre):
    client.force_login(UserFactory(username="centre-viewer"))
    with translation.override("ru"):
        page = client.get("/exchange/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "centre" in page
    assert "ru-main" in page
    assert "подпись не проходит проверку" in page
    assert "SIGNATURE_INVALID" not in page
    # The event after the gap waits for number 1.
    peers = page.split('id="exchange-peers"', 1)[1].split("</table>", 1)[0]
    assert "<td>1</td>" in peers


def test_the_status_page_needs_a_person(client, centre):
    assert client.get("/exchange/").status_code == 302


def test_the_status_api_gives_the_same_figures(client, centre):
    _user, token = user_with_token("centre-api", "MC")
    body = client.get("/api/v1/exchange/status", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (body["node"], body["bureau"]) == ("centre", "MC")
    (peer,) = body["peers"]
    assert (peer["origin"], peer["waiting_for"], peer["waiting"], peer["problems"]) == (
        "ru-main",
        1,
        1,
        1,
    )
    assert client.get("/api/v1/exchange/status").status_code == 401


def test_the_feed_answers_only_signed_requests_of_registered_nodes(client, centre):
    assert client.get("/api/v1/exchange/origins").status_code == 401
    forged = {
        "HTTP_X_KATALOG_NODE": "ru-main",
        "HTTP_X_KATALOG_TIME": "0",
        "HTTP_X_KATALOG_SIGNATURE": "AAAA",
    }
    response = client.get("/api/v1/exchange/origins", **forged)
    assert response.status_code == 401
    assert response.json()["code"] == "NODE_SIGNATURE_INVALID"


def test_the_worker_pulls_on_the_schedule_the_setting_gives(settings, centre):
    (task,) = [t for t in periodic_tasks() if t.name == "exchange-pull"]
    settings.EXCHANGE_PULL_SECONDS = 0
    assert task.seconds() == 0
    settings.EXCHANGE_PULL_SECONDS = 30
    assert task.seconds() == 30
    # A peer that does not answer is reported, not raised: the worker goes on.
    assert "does not answer" in task.run()["ru-main"]
