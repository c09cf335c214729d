"""The NATS JetStream transport, on real servers: the machine's (KATALOG_NATS_URL) for a node's
stream, and a hub and a leaf node started here, in JetStream domains of their own, for a bureau
cut off from the centre and catching up."""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from nacl.signing import SigningKey

from katalog.catalog import replica, services
from katalog.catalog.models import Manufacturer
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.core.errors import ValidationFailed
from katalog.exchange import feed, keys, nats_transport
from katalog.exchange.nats_transport import (
    MSG_ID,
    Broker,
    BrokerUnavailable,
    Layout,
    StreamRef,
    last_published_seq,
    outbox_publish,
    payload_encode,
    payloads_publish,
    stream_pull,
    stream_setup,
)
from katalog.exchange.outbox import canonical_bytes
from katalog.exchange.selectors import exchange_status
from katalog.exchange.services import node_add
from tests.factories import ManufacturerFactory

from .natsservers import NatsServer, free_port, unavailable, wait_until

RU_KEY = SigningKey.generate()


@dataclass
class Received:
    applied: int = 0
    duplicates: int = 0
    waiting: int = 0
    problems: int = 0


class Inbox:
    """Where a pull hands its batches: keeps every payload in the order it came."""

    def __init__(self) -> None:
        self.payloads: list[dict] = []

    def __call__(self, payloads: list[dict]) -> Received:
        self.payloads.extend(payloads)
        return Received(applied=len(payloads))


def signed_events(key: SigningKey, origin: str, seqs: range) -> list[dict]:
    events = []
    for seq in seqs:
        fields = {
            "origin": origin,
            "seq": seq,
            "at": f"2026-12-03T10:00:{seq % 60:02d}+00:00",
            "author": "kz-author",
            "action": "manufacturer.created",
            "object_type": "manufacturer",
            "object_key": f"K{seq:04d}",
            "state": {"after": {"code": f"K{seq:04d}", "names": {"kk": "Зауыт №{seq}"}}},
        }
        events.append({**fields, "signature": keys.sign(canonical_bytes(fields), key)})
    return events


def stream_messages(broker: Broker, stream: str) -> int:
    return broker.run(broker.js().stream_info(stream)).state.messages


def stream_payloads(broker: Broker, layout: Layout, origin: str) -> list[dict]:
    """What a stream holds, read by a consumer of its own (a reader named `check`)."""
    inbox = Inbox()
    stream_pull(broker, layout, reader="check", source=StreamRef(origin), receive=inbox)
    return inbox.payloads


@pytest.fixture
def layout(settings):
    """A prefix of this test's own, so that runs sharing the server never meet."""
    settings.NATS_PREFIX = "t" + uuid.uuid4().hex[:12]
    return Layout.from_settings()


def _connect(url: str) -> Broker:
    try:
        broker = Broker(url, domain="")
    except BrokerUnavailable as exc:
        unavailable(str(exc))
    try:
        broker.run(broker.js().account_info())
    except Exception as exc:  # any failure here means there is no JetStream to test on
        broker.close()
        unavailable(f"JetStream does not answer at {url}: {exc!r}")
    return broker


@pytest.fixture
def broker(layout):
    """The machine's NATS server; the streams of this test's prefix are deleted at the end."""
    broker = _connect(settings.NATS_URL)
    yield broker
    mine = layout.stream("")  # every stream name of the prefix starts so
    for info in broker.run(broker.js().streams_info()):
        if info.config.name.startswith(mine):
            broker.run(broker.js().delete_stream(info.config.name))
    broker.close()


def test_the_broker_works_from_a_thread_that_already_runs_an_event_loop(layout):
    """As under a server or a browser driver that runs its own loop in the calling thread."""

    async def inside_a_running_loop() -> dict:
        broker = _connect(settings.NATS_URL)
        try:
            info = broker.run(broker.js().account_info())
        finally:
            broker.close()
        return {"streams": info.streams}

    # In a thread of its own: the test's own thread may run a loop already (the browser tests').
    found: list[dict] = []
    worker = threading.Thread(target=lambda: found.append(asyncio.run(inside_a_running_loop())))
    worker.start()
    worker.join(timeout=60)
    assert found
    assert found[0]["streams"] >= 0


# A node's stream on one server.


def test_a_stream_keeps_each_event_once_in_order_and_a_durable_consumer_reads_each_once(
    broker, layout
):
    events = signed_events(SigningKey.generate(), "kz-main", range(1, 6))
    stream_setup(broker, layout, "kz-main")
    first = payloads_publish(broker, layout, "kz-main", events[:3])
    again = payloads_publish(broker, layout, "kz-main", events)
    inbox = Inbox()
    pulled = stream_pull(
        broker, layout, reader="ru-main", source=StreamRef("kz-main"), receive=inbox
    )
    later = Inbox()
    repeated = stream_pull(
        broker, layout, reader="ru-main", source=StreamRef("kz-main"), receive=later
    )
    assert (first.published, first.duplicates) == (3, 0)
    assert (again.published, again.duplicates, again.last_seq) == (2, 3, 5)
    assert stream_messages(broker, layout.stream("kz-main")) == 5
    assert last_published_seq(broker, layout, "kz-main") == 5
    assert inbox.payloads == events
    assert (pulled.messages, pulled.own, pulled.applied) == (5, 0, 5)
    assert (later.payloads, repeated.messages) == ([], 0)


def test_each_message_carries_its_event_id_so_that_the_server_drops_a_republished_one(
    broker, layout
):
    events = signed_events(SigningKey.generate(), "kz-main", range(1, 3))
    stream_setup(broker, layout, "kz-main")
    payloads_publish(broker, layout, "kz-main", events)
    message = broker.run(broker.js().get_msg(layout.stream("kz-main"), seq=2))
    assert message.subject == f"{layout.prefix}.events.kz-main"
    assert message.headers["Nats-Msg-Id"] == "kz-main:2"


def test_a_node_publishes_only_its_own_events(broker, layout):
    stream_setup(broker, layout, "kz-main")
    theirs = signed_events(SigningKey.generate(), "ru-main", range(1, 2))
    with pytest.raises(ValidationFailed):
        payloads_publish(broker, layout, "kz-main", theirs)
    assert stream_messages(broker, layout.stream("kz-main")) == 0


def test_a_combined_stream_gives_its_reader_the_others_events_and_only_acknowledges_its_own(
    broker, layout
):
    bureau = signed_events(SigningKey.generate(), "kz-main", range(1, 4))
    centre = signed_events(SigningKey.generate(), "centre", range(1, 3))
    stream_setup(broker, layout, "kz-main")
    stream_setup(broker, layout, "centre", [StreamRef("kz-main")])
    payloads_publish(broker, layout, "kz-main", bureau)
    payloads_publish(broker, layout, "centre", centre)
    assert wait_until(lambda: stream_messages(broker, layout.stream("centre")) == 5)
    inbox = Inbox()
    report = stream_pull(broker, layout, reader="centre", source=StreamRef("centre"), receive=inbox)
    assert inbox.payloads == bureau
    assert (report.messages, report.own) == (5, 2)
    everything = stream_payloads(broker, layout, "centre")
    assert sorted(everything, key=lambda e: (e["origin"], e["seq"])) == centre + bureau


def test_a_batch_is_acknowledged_only_once_the_inbox_took_it(broker, layout, monkeypatch):
    monkeypatch.setattr(nats_transport, "ACK_WAIT", 1.0)
    events = signed_events(SigningKey.generate(), "kz-main", range(1, 4))
    stream_setup(broker, layout, "kz-main")
    payloads_publish(broker, layout, "kz-main", events)

    def failing(payloads):
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        stream_pull(broker, layout, reader="ru-main", source=StreamRef("kz-main"), receive=failing)
    inbox = Inbox()
    # The next run waits for the batch the failed one fetched but never acknowledged.
    report = stream_pull(
        broker, layout, reader="ru-main", source=StreamRef("kz-main"), receive=inbox
    )
    assert inbox.payloads == events
    assert report.messages == 3


def test_setting_up_again_adds_new_sources_and_keeps_the_old_ones(broker, layout):
    first = stream_setup(broker, layout, "centre", [StreamRef("kz-main")])
    second = stream_setup(broker, layout, "centre", [StreamRef("ru-main"), StreamRef("kz-main")])
    third = stream_setup(broker, layout, "centre", [])
    info = broker.run(broker.js().stream_info(layout.stream("centre")))
    assert (first.created, first.added) == (True, [StreamRef("kz-main")])
    assert (second.created, second.added) == (False, [StreamRef("ru-main")])
    assert (third.created, third.added) == (False, [])
    assert sorted(source.name for source in info.config.sources) == [
        layout.stream("kz-main"),
        layout.stream("ru-main"),
    ]
    assert info.config.subjects == [f"{layout.prefix}.events.centre"]


def test_a_message_that_is_no_event_still_reaches_the_inbox_under_its_subjects_origin(
    broker, layout
):
    stream_setup(broker, layout, "kz-main")
    broker.run(broker.js().publish(layout.subject("kz-main"), b"\xff not json"))
    inbox = Inbox()
    stream_pull(broker, layout, reader="ru-main", source=StreamRef("kz-main"), receive=inbox)
    assert inbox.payloads == [{"origin": "kz-main", "undecodable": "\ufffd not json"}]


def test_a_prefix_or_a_source_that_is_no_name_is_refused():
    with pytest.raises(ValidationFailed):
        Layout("katalog.events")
    with pytest.raises(ValidationFailed):
        StreamRef.parse("KZ main@kz")
    assert StreamRef.parse("kz-main@kz") == StreamRef("kz-main", "kz")


@pytest.mark.django_db
def test_a_server_that_does_not_answer_is_a_clear_error(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "KZ", "--name", "kz-main")
    url = f"nats://127.0.0.1:{free_port()}"
    with pytest.raises(CommandError, match="NATS_UNREACHABLE") as raised:
        call_command("exchange", "nats-setup", "--server", url)
    assert raised.value.returncode == 7


# A bureau on a leaf node, cut off from the centre's hub.


@pytest.fixture
def hub_and_leaf(tmp_path):
    hub = NatsServer(tmp_path, "hub", domain="centre")
    leaf = NatsServer(tmp_path, "kz", domain="kz", hub=hub)
    hub.start()
    leaf.start()
    yield hub, leaf
    leaf.stop()
    hub.stop()


def _linked(hub: NatsServer) -> Broker:
    """A client of the hub once the leaf's JetStream answers through the link."""
    broker = Broker(hub.url, domain="centre")
    assert wait_until(lambda: broker.run(broker.js("kz").account_info()) is not None)
    return broker


def test_the_centre_sources_a_bureau_on_a_leaf_node_and_catches_up_after_the_link_was_cut(
    hub_and_leaf, layout
):
    hub, leaf = hub_and_leaf
    events = signed_events(SigningKey.generate(), "kz-main", range(1, 9))
    bureau = Broker(leaf.url, domain="kz")
    centre = _linked(hub)
    stream_setup(bureau, layout, "kz-main")
    stream_setup(centre, layout, "centre", [StreamRef("kz-main", "kz")])
    payloads_publish(bureau, layout, "kz-main", events[:3])
    assert wait_until(lambda: stream_messages(centre, layout.stream("centre")) == 3)
    centre.close()

    hub.stop()
    cut_off = payloads_publish(bureau, layout, "kz-main", events[3:])
    hub.start()

    centre = Broker(hub.url, domain="centre")
    # The leaf retries its hub every second, and the source its stream every few seconds.
    caught_up = wait_until(
        lambda: stream_messages(centre, layout.stream("centre")) == 8, timeout=60
    )
    held = stream_payloads(centre, layout, "centre")
    assert (cut_off.published, cut_off.last_seq) == (5, 8)
    assert caught_up, centre.run(centre.js().stream_info(layout.stream("centre"))).sources
    assert held == events
    bureau.close()
    centre.close()


def test_a_bureau_on_a_leaf_node_reads_the_centres_stream_across_domains(hub_and_leaf, layout):
    hub, leaf = hub_and_leaf
    bureau_events = signed_events(SigningKey.generate(), "kz-main", range(1, 3))
    centre_events = signed_events(SigningKey.generate(), "centre", range(1, 4))
    bureau = Broker(leaf.url, domain="kz")
    centre = _linked(hub)
    stream_setup(bureau, layout, "kz-main")
    stream_setup(centre, layout, "centre", [StreamRef("kz-main", "kz")])
    payloads_publish(bureau, layout, "kz-main", bureau_events)
    payloads_publish(centre, layout, "centre", centre_events)
    assert wait_until(lambda: stream_messages(centre, layout.stream("centre")) == 5)
    inbox = Inbox()
    report = stream_pull(
        bureau, layout, reader="kz-main", source=StreamRef("centre", "centre"), receive=inbox
    )
    assert inbox.payloads == centre_events
    assert (report.messages, report.own) == (5, 2)
    bureau.close()
    centre.close()


# End to end: this node's outbox to its stream, and a peer's stream to this node's inbox.


@pytest.fixture
def kz_node(settings, tmp_path, monkeypatch):
    """This installation is Kazakhstan's bureau; Russia's node is a registered peer."""
    settings.DATA_DIR = tmp_path
    call_command("node", "init", "--bureau", "KZ", "--name", "kz-main")
    node_add(
        actor=SYSTEM_OPERATOR,
        name="ru-main",
        bureau_key="RU",
        public_key=keys.public_key_text(RU_KEY.verify_key),
    )


def kz_manufacturer(code: str, name: str):
    return services.manufacturer_create(
        actor=SYSTEM_INIT, code=code, names={"en": name}, country="KZ"
    )


def command(action: str, *args: str) -> str:
    out = StringIO()
    call_command("exchange", f"nats-{action}", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_the_outbox_goes_to_the_nodes_stream_as_it_is_and_only_what_the_stream_lacks(
    kz_node, broker, layout
):
    maker = kz_manufacturer("K001Q", "First")
    kz_manufacturer("K002Q", "Second")
    stream = layout.stream("kz-main")
    subject = layout.subject("kz-main")
    setup = command("setup")
    published = command("publish")
    again = command("publish")
    services.manufacturer_update(
        actor=SYSTEM_INIT,
        manufacturer=maker,
        expected_version=None,
        changes={"names": {"en": "1st"}},
    )
    one_more = command("publish")
    outbox = feed.events_after("kz-main", 0, 1000)
    assert setup == f"Stream {stream} created for subject {subject}"
    assert published == (
        f"2 events published to {stream}, 0 of them there already; "
        "the stream holds this node's events up to 2"
    )
    assert again.startswith(f"0 events published to {stream}")
    assert one_more.startswith(f"1 events published to {stream}")
    assert [event["seq"] for event in outbox] == [1, 2, 3]
    assert stream_payloads(broker, layout, "kz-main") == outbox


@pytest.mark.django_db
def test_publishing_resumes_after_the_last_event_the_stream_holds(kz_node, broker, layout):
    for number in range(1, 5):
        kz_manufacturer(f"K00{number}Q", f"Maker {number}")
    outbox = feed.events_after("kz-main", 0, 1000)
    stream_setup(broker, layout, "kz-main")
    # Published by an earlier run that stopped before it could say so.
    payloads_publish(broker, layout, "kz-main", outbox[:2])
    report = outbox_publish(broker, layout)
    assert (report.published, report.duplicates, report.last_seq) == (2, 0, 4)
    assert stream_payloads(broker, layout, "kz-main") == outbox


def ru_manufacturer_event(seq: int, code: str) -> dict:
    state = {"manufacturer": replica.manufacturer_state(ManufacturerFactory.build(code=code))}
    fields = {
        "origin": "ru-main",
        "seq": seq,
        "at": timezone.now().isoformat(),
        "author": "ivanov",
        "action": "manufacturer_created",
        "object_type": "manufacturer",
        "object_key": code,
        "state": state,
    }
    return {**fields, "signature": keys.sign(canonical_bytes(fields), RU_KEY)}


@pytest.mark.django_db
def test_a_peers_stream_is_applied_in_order_through_the_inbox_and_acknowledged(
    kz_node, broker, layout
):
    first, second, third = (ru_manufacturer_event(n, f"A10{n}F") for n in (1, 2, 3))
    stream_setup(broker, layout, "ru-main")
    payloads_publish(broker, layout, "ru-main", [first])
    # The stream of the peer holds what its node published, in any order it arrived.
    broker.run(
        broker.js().publish(
            layout.subject("ru-main"), payload_encode(third), headers={MSG_ID: "ru-main:3"}
        )
    )
    early = command("pull", "--from", "ru-main")
    waited = set(Manufacturer.objects.values_list("code", flat=True))
    broker.run(
        broker.js().publish(
            layout.subject("ru-main"), payload_encode(second), headers={MSG_ID: "ru-main:2"}
        )
    )
    late = command("pull", "--from", "ru-main")
    status = {row.origin: row for row in exchange_status()}["ru-main"]
    stream = layout.stream("ru-main")
    assert early == (
        f"2 messages read from {stream}, 0 of them this node's own; "
        "1 applied, 0 already here, 1 waiting, 0 problems"
    )
    assert "A101F" in waited
    assert "A103F" not in waited
    assert late == (
        f"1 messages read from {stream}, 0 of them this node's own; "
        "2 applied, 0 already here, 0 waiting, 0 problems"
    )
    assert {"A101F", "A102F", "A103F"} <= set(Manufacturer.objects.values_list("code", flat=True))
    assert (status.applied_seq, status.transport) == (3, "nats")
    assert command("pull", "--from", "ru-main").startswith(f"0 messages read from {stream}")


def test_an_event_larger_than_the_servers_payload_limit_travels_compressed(broker, layout):
    """A classifier version of some 2,000 codes is about 1.5 MB of JSON, above the default
    max_payload of 1 MB of the machine's server: it is published compressed and read as sent."""
    key = SigningKey.generate()
    (small,) = signed_events(key, "kz-main", range(1, 2))
    large = dict(small, seq=2, state={"text": uuid.uuid4().hex * 50_000})  # 1.6 MB of JSON
    assert len(nats_transport.payload_encode(large)) > 1_048_576
    stream_setup(broker, layout, "kz-main")
    payloads_publish(broker, layout, "kz-main", [small, large])
    stored = broker.run(broker.js().get_msg(layout.stream("kz-main"), seq=2))
    assert stored.headers[nats_transport.ENCODING] == nats_transport.GZIP
    first = broker.run(broker.js().get_msg(layout.stream("kz-main"), seq=1))
    assert nats_transport.ENCODING not in (first.headers or {})
    inbox = Inbox()
    stream_pull(broker, layout, reader="ru-main", source=StreamRef("kz-main"), receive=inbox)
    assert inbox.payloads == [small, large]


def test_a_compressed_message_that_does_not_decompress_still_reaches_the_inbox(broker, layout):
    stream_setup(broker, layout, "kz-main")
    broker.run(
        broker.js().publish(
            layout.subject("kz-main"), b"not gzip", headers={nats_transport.ENCODING: "gzip"}
        )
    )
    inbox = Inbox()
    stream_pull(broker, layout, reader="ru-main", source=StreamRef("kz-main"), receive=inbox)
    assert inbox.payloads == [{"origin": "kz-main", "undecodable": "not gzip"}]
