"""A bureau (RU, SQLite) and the centre (PostgreSQL in the PostgreSQL pass) as separate
processes exchanging through NATS JetStream: the bureau's server is a leaf node of the centre's
hub, each in a JetStream domain of its own. The first full catalogue goes through, then the hub
is stopped while the bureau works and publishes, and once it is back the centre catches up:
both print the same digest."""

from __future__ import annotations

import uuid

import pytest

from katalog.exchange.nats_transport import Broker, Layout

from .natsservers import NatsServer, published_seq, wait_until

# The centre's database fixture is the installations test's: imported, it serves here too.
from .test_exchange_installations import ROOT, Installation, centre_database_url  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _held(url: str, layout: Layout, origin: str) -> int:
    with Broker(url, domain="centre") as broker:
        return broker.run(broker.js().stream_info(layout.stream(origin))).state.messages


def test_a_bureau_on_a_leaf_node_and_the_centre_converge_through_a_cut(tmp_path, request):
    centre_url = request.getfixturevalue("centre_database_url")
    hub = NatsServer(tmp_path / "nats", "hub", domain="centre")
    leaf = NatsServer(tmp_path / "nats", "ru", domain="ru", hub=hub)
    hub.start()
    leaf.start()
    layout = Layout("t" + uuid.uuid4().hex[:12])
    bureau = Installation(tmp_path / "ru", f"sqlite:///{tmp_path / 'ru' / 'k.sqlite3'}")
    centre = Installation(tmp_path / "centre", centre_url)
    bureau.env |= {"KATALOG_NATS_URL": leaf.url, "KATALOG_NATS_DOMAIN": "ru"}
    centre.env |= {"KATALOG_NATS_URL": hub.url, "KATALOG_NATS_DOMAIN": "centre"}
    for node in (bureau, centre):
        node.env["KATALOG_NATS_PREFIX"] = layout.prefix
    try:
        for node in (bureau, centre):
            node.run("init")
        bureau.run("generate", "--items", "60", "--seed", "7", "--no-progress")
        bureau.run("node", "init", "--bureau", "RU", "--name", "ru-main")
        centre.run("node", "init", "--bureau", "MC", "--name", "centre")
        bureau.run("node", "show", "--public-key", str(tmp_path / "ru.pub"))
        centre.run("node", "add", "ru-main", "--bureau", "RU", "--key", str(tmp_path / "ru.pub"))
        bureau.run("exchange", "nats-setup")
        set_up = centre.run("exchange", "nats-setup", "--source", "ru-main@ru").stdout
        assert f"Now sources stream {layout.stream('ru-main')} of node ru-main" in set_up

        # The first full catalogue.
        bureau.run("exchange", "snapshot")
        first = published_seq(bureau.run("exchange", "nats-publish").stdout)
        assert first >= 60
        assert wait_until(lambda: _held(hub.url, layout, "centre") == first, timeout=60)
        pulled = centre.run("exchange", "nats-pull").stdout
        assert f"{first} applied, 0 already here, 0 waiting, 0 problems" in pulled
        assert centre.digest() == bureau.digest()

        # The link is cut: the bureau works and publishes to its own server all the same.
        hub.stop()
        bureau.run("user", "create", "ivanova", "--bureau", "RU", "--role", "cataloguer")
        bureau.run(
            "import", "items", str(ROOT / "examples" / "items-with-errors.csv"),
            "--actor", "ivanova", ok=False,
        )  # fmt: skip
        later = published_seq(bureau.run("exchange", "nats-publish").stdout)
        assert later > first
        assert centre.digest() != bureau.digest()

        # Back again, the centre's stream catches up by itself and the centre applies the rest.
        hub.start()
        assert wait_until(lambda: _held(hub.url, layout, "centre") == later, timeout=90)
        pulled = centre.run("exchange", "nats-pull").stdout
        assert f"{later - first} applied, 0 already here, 0 waiting, 0 problems" in pulled
        assert centre.digest() == bureau.digest()
        status = centre.run("exchange", "status").stdout
        assert "transport nats" in status
        assert "lag 0 events" in status
    finally:
        leaf.stop()
        hub.stop()
