"""The exchange over NATS JetStream, for a network of many nodes where a broker carries the
events: durable delivery, fan-out and links that drop for hours.

Layout (docs/exchange-nats.md): node `kz-main` publishes its own events, and only those, on the
subject `katalog.events.kz-main` into its own stream `KATALOG_KZ_MAIN`, each message with the
header `Nats-Msg-Id: kz-main:<seq>` so that JetStream drops a message published twice. The
centre's stream sources the bureaus' streams (across JetStream domains over leaf-node
connections, where a source catches up by itself after an outage), and every node reads the
stream it is given with a durable pull consumer named after itself, acknowledging a batch only
once the inbox has taken it.

nats-py is asynchronous and the ORM is not: a `Broker` owns a private event loop that runs only
while it talks to the server, so reading the outbox and applying events happen on the caller's
thread, in its database connection and transaction.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import re
import threading
import zlib
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import nats
import nats.errors
import nats.js.errors
from django.conf import settings
from django.utils.translation import gettext as _
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    ExternalStream,
    RetentionPolicy,
    StorageType,
    StreamConfig,
    StreamSource,
)

from katalog.core.errors import KatalogError, ValidationFailed
from katalog.exchange.errors import ExchangeError

logger = logging.getLogger(__name__)

MSG_ID = "Nats-Msg-Id"
# A body above this many bytes travels gzip-compressed, said in this header.
ENCODING = "Katalog-Encoding"
GZIP = "gzip"
COMPRESS_ABOVE = 256 * 1024
# A message published again within this window (a publisher that died between the server's
# acknowledgement and noting it) is dropped by the server; later ones are dropped by the inbox.
DUPLICATE_WINDOW = 24 * 3600.0
# Time a node has to apply a fetched batch before the server delivers it again.
ACK_WAIT = 60.0
PUBLISH_BATCH = 500
PULL_BATCH = 200
# How long one pull request waits for messages when there is nothing to read at once.
FOLLOW_WAIT = 5.0
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

T = TypeVar("T")


class BrokerUnavailable(KatalogError):
    """The NATS server does not answer, or JetStream is not enabled on it."""

    status = 503
    exit_code = 7
    default_code = ExchangeError.NATS_UNREACHABLE


def _token(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", text).upper()


@dataclass(frozen=True)
class Layout:
    """Subject and stream names of one exchange; the prefix (KATALOG_NATS_PREFIX) lets
    several exchanges, or test runs, share one NATS server."""

    prefix: str = "katalog"

    def __post_init__(self) -> None:
        if not TOKEN_RE.match(self.prefix):
            raise ValidationFailed(
                _("The NATS prefix %(prefix)s may hold only letters, digits, - and _")
                % {"prefix": self.prefix},
                code=ExchangeError.NATS_NAME_INVALID,
            )

    @classmethod
    def from_settings(cls) -> Layout:
        return cls(prefix=settings.NATS_PREFIX)

    def subject(self, origin: str) -> str:
        return f"{self.prefix}.events.{origin}"

    def every_subject(self) -> str:
        return f"{self.prefix}.events.*"

    def stream(self, origin: str) -> str:
        # Node names are lower-case letters, digits and hyphens, so the mapping is one to one.
        return f"{_token(self.prefix)}_{_token(origin)}"

    def durable(self, reader: str) -> str:
        """The pull consumer of node `reader`, on whichever stream it reads."""
        return self.stream(reader)


@dataclass(frozen=True)
class StreamRef:
    """A node's stream, in the JetStream domain of the server that holds it ('' for the
    domain of the server one is connected to)."""

    origin: str
    domain: str = ""

    @classmethod
    def parse(cls, text: str) -> StreamRef:
        origin, _at, domain = text.strip().partition("@")
        if not NODE_RE.match(origin) or (domain and not TOKEN_RE.match(domain)):
            raise ValidationFailed(
                _("%(value)s is neither a node name nor NODE@DOMAIN") % {"value": text},
                code=ExchangeError.NATS_NAME_INVALID,
            )
        return cls(origin=origin, domain=domain)

    def __str__(self) -> str:
        return f"{self.origin}@{self.domain}" if self.domain else self.origin


def api_prefix(domain: str) -> str:
    return f"$JS.{domain}.API"


def payload_encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def message_of(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The body and headers of an event's message: its id, and above `COMPRESS_ABOVE` bytes
    the body gzip-compressed (said in a header), so that the largest states (a classifier
    version of some 2,000 codes is about 1.5 MB of JSON) fit a server's default max_payload."""
    data = payload_encode(payload)
    headers = {MSG_ID: message_id(payload)}
    if len(data) > COMPRESS_ABOVE:
        data = gzip.compress(data, mtime=0)
        headers[ENCODING] = GZIP
    return data, headers


def message_id(payload: dict[str, Any]) -> str:
    return f"{payload['origin']}:{payload['seq']}"


def payload_decode(msg: Msg) -> dict[str, Any]:
    """The event a message carries. A message that is no JSON object still goes to the inbox,
    under the origin of its subject, so that it is refused and shown, never lost unseen."""
    data = msg.data
    try:
        if (msg.headers or {}).get(ENCODING) == GZIP:
            data = gzip.decompress(data)
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError, OSError, EOFError, zlib.error):
        value = None
    if isinstance(value, dict):
        return value
    return {
        "origin": msg.subject.rsplit(".", 1)[-1],
        "undecodable": data.decode("utf-8", "replace"),
    }


async def _log_error(exc: Exception) -> None:
    logger.warning("NATS: %s", exc)


class Broker:
    """A connection to one NATS server, used from synchronous code.

    The client's event loop runs in a thread of its own, so the broker works the same whether
    or not the calling thread already runs an event loop (a server's, a browser driver's)."""

    def __init__(self, url: str = "", *, domain: str | None = None) -> None:
        self.url = url or settings.NATS_URL
        self.domain = settings.NATS_DOMAIN if domain is None else domain
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="nats-client", daemon=True
        )
        self._thread.start()
        try:
            self.nc: Client = self.run(
                nats.connect(
                    self.url,
                    connect_timeout=3,
                    max_reconnect_attempts=3,
                    reconnect_time_wait=1,
                    error_cb=_log_error,
                )
            )
        except (OSError, nats.errors.Error) as exc:
            self._stop()
            raise self.unavailable() from exc

    def unavailable(self) -> BrokerUnavailable:
        return BrokerUnavailable(
            _("The NATS server at %(url)s does not answer") % {"url": self.url}
        )

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def _stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    def js(self, domain: str | None = None) -> JetStreamContext:
        """JetStream in `domain`, by default the domain of the server connected to."""
        domain = self.domain if domain is None else domain
        return self.nc.jetstream(domain=domain or None, timeout=10)

    def close(self) -> None:
        try:
            if not self.nc.is_closed:
                self.run(self.nc.drain())
        except (nats.errors.Error, OSError):
            # The server went away: what was acknowledged is acknowledged, nothing to flush.
            logger.warning("NATS: connection to %s closed without draining", self.url)
        finally:
            self._stop()

    def __enter__(self) -> Broker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def refused(exc: Exception) -> KatalogError:
    description = getattr(exc, "description", None) or str(exc) or type(exc).__name__
    return KatalogError(
        _("JetStream refused: %(reason)s") % {"reason": description},
        code=ExchangeError.NATS_REFUSED,
    )


def _call(broker: Broker, coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one JetStream request, turning the broker's errors into domain errors."""
    try:
        return broker.run(coroutine)
    except nats.js.errors.APIError as exc:
        raise refused(exc) from exc
    except (nats.errors.Error, OSError) as exc:
        # No responders, a timeout, a connection lost for good: the broker is not there.
        raise broker.unavailable() from exc


# Setting up streams.


def _source(layout: Layout, ref: StreamRef) -> StreamSource:
    return StreamSource(
        name=layout.stream(ref.origin),
        filter_subject=layout.subject(ref.origin),
        external=ExternalStream(api=api_prefix(ref.domain)) if ref.domain else None,
    )


def _stream_config(layout: Layout, origin: str, sources: list[StreamSource]) -> StreamConfig:
    # Limits retention with no limits: the stream is the node's history, from which a node
    # that joins later reads everything.
    return StreamConfig(
        name=layout.stream(origin),
        description=f"katalog exchange events of node {origin}",
        subjects=[layout.subject(origin)],
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW,
        sources=sources or None,
    )


def _source_key(source: StreamSource) -> tuple[str, str]:
    return (source.name, source.external.api if source.external else "")


@dataclass
class SetupReport:
    stream: str
    subject: str
    created: bool = False
    added: list[StreamRef] = field(default_factory=list)


async def _setup(
    js: JetStreamContext, layout: Layout, origin: str, refs: list[StreamRef]
) -> SetupReport:
    report = SetupReport(stream=layout.stream(origin), subject=layout.subject(origin))
    try:
        info = await js.stream_info(report.stream)
    except nats.js.errors.NotFoundError:
        info = None
    existing = list(info.config.sources or []) if info else []
    known = {_source_key(source) for source in existing}
    for ref in refs:
        source = _source(layout, ref)
        if _source_key(source) not in known:
            known.add(_source_key(source))
            existing.append(source)
            report.added.append(ref)
    config = _stream_config(layout, origin, existing)
    if info is None:
        await js.add_stream(config)
        report.created = True
    elif report.added or info.config.subjects != config.subjects:
        await js.update_stream(info.config.evolve(subjects=config.subjects, sources=existing))
    return report


def stream_setup(
    broker: Broker, layout: Layout, origin: str, sources: Iterable[StreamRef] = ()
) -> SetupReport:
    """Create the stream of node `origin` on its subject, or add the given sources to it.
    Sources already there stay: setting up again never cuts a feed."""
    refs = [ref for ref in sources if ref.origin != origin]
    return _call(broker, _setup(broker.js(), layout, origin, refs))


def stream_delete(broker: Broker, layout: Layout, origin: str) -> None:
    _call(broker, broker.js().delete_stream(layout.stream(origin)))


# Publishing.


async def _last_seq(js: JetStreamContext, layout: Layout, origin: str) -> int:
    try:
        msg = await js.get_last_msg(layout.stream(origin), layout.subject(origin))
    except nats.js.errors.NotFoundError:
        return 0
    mark = (msg.headers or {}).get(MSG_ID, "")
    _origin, _colon, seq = mark.rpartition(":")
    if seq.isdigit():
        return int(seq)
    return int(json.loads(msg.data or b"{}").get("seq", 0))


def last_published_seq(broker: Broker, layout: Layout, origin: str) -> int:
    """The sequence number of the last event of `origin` in its stream: the stream itself
    remembers how far publishing got, so nothing local can disagree with it."""
    return _call(broker, _last_seq(broker.js(), layout, origin))


@dataclass
class PublishReport:
    published: int = 0
    duplicates: int = 0
    last_seq: int = 0


async def _publish(
    js: JetStreamContext, layout: Layout, origin: str, payloads: list[dict[str, Any]]
) -> int:
    # One at a time, each acknowledged before the next: the stream's last message then marks
    # a prefix of the outbox with no holes, which is what publishing resumes after. No
    # Nats-Expected-Stream header: it stays on the message, and a stream sourcing this one
    # would refuse it.
    duplicates = 0
    for payload in payloads:
        data, headers = message_of(payload)
        ack = await js.publish(layout.subject(origin), data, headers=headers)
        duplicates += bool(ack.duplicate)
    return duplicates


def payloads_publish(
    broker: Broker, layout: Layout, origin: str, payloads: list[dict[str, Any]]
) -> PublishReport:
    """Publish signed events of node `origin` to its stream, in the order given."""
    if any(payload.get("origin") != origin for payload in payloads):
        raise ValidationFailed(
            _("A node publishes only its own events"), code=ExchangeError.NATS_NAME_INVALID
        )
    duplicates = _call(broker, _publish(broker.js(), layout, origin, payloads))
    return PublishReport(
        published=len(payloads) - duplicates,
        duplicates=duplicates,
        last_seq=payloads[-1]["seq"] if payloads else 0,
    )


def outbox_publish(broker: Broker, layout: Layout, *, batch: int = PUBLISH_BATCH) -> PublishReport:
    """Publish this node's events that its stream does not hold yet."""
    from katalog.exchange import feed
    from katalog.exchange.selectors import local_node

    origin = local_node().name
    report = PublishReport(last_seq=last_published_seq(broker, layout, origin))
    while payloads := feed.events_after(origin, report.last_seq, batch):
        done = payloads_publish(broker, layout, origin, payloads)
        report.published += done.published
        report.duplicates += done.duplicates
        report.last_seq = done.last_seq
    return report


# Pulling.


@dataclass
class PullReport:
    stream: str
    messages: int = 0
    own: int = 0
    applied: int = 0
    duplicates: int = 0
    waiting: int = 0
    problems: int = 0

    def add(self, received: Any) -> None:
        """Add the inbox's report of one batch; `waiting` is a state, the latest one counts."""
        self.applied += received.applied
        self.duplicates += received.duplicates
        self.problems += received.problems
        self.waiting = received.waiting


Receiver = Callable[[list[dict[str, Any]]], Any]


def inbox_receiver(payloads: list[dict[str, Any]]) -> Any:
    from katalog.exchange import inbox

    return inbox.events_receive(payloads, transport="nats")


async def _subscribe(
    js: JetStreamContext, layout: Layout, reader: str, stream: str
) -> JetStreamContext.PullSubscription:
    config = ConsumerConfig(
        durable_name=layout.durable(reader),
        description=f"katalog exchange: node {reader} reads",
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ACK_WAIT,
    )
    return await js.pull_subscribe(
        layout.every_subject(), durable=layout.durable(reader), stream=stream, config=config
    )


async def _next_batch(
    subscription: JetStreamContext.PullSubscription, size: int, follow: bool
) -> list[Msg]:
    if not follow:
        info = await subscription.consumer_info()
        if not info.num_pending and not info.num_ack_pending:
            return []
        # Messages fetched by a run that died before acknowledging them come again once the
        # acknowledgement wait is over; wait for them rather than leave them to the next run.
        wait = FOLLOW_WAIT if info.num_pending else ACK_WAIT + FOLLOW_WAIT
    else:
        wait = FOLLOW_WAIT
    try:
        return await subscription.fetch(size, timeout=wait)
    except nats.errors.TimeoutError:
        return []


async def _ack(broker: Broker, messages: list[Msg]) -> None:
    for msg in messages:
        await msg.ack()
    await broker.nc.flush()


def stream_pull(
    broker: Broker,
    layout: Layout,
    *,
    reader: str,
    source: StreamRef,
    receive: Receiver = inbox_receiver,
    follow: bool = False,
    batch: int = PULL_BATCH,
    progress: Callable[[PullReport], None] | None = None,
) -> PullReport:
    """Read the stream of `source` as node `reader`, hand each batch of events to `receive`
    and acknowledge the batch once `receive` has returned. The reader's own events, which
    come back in a combined stream, are acknowledged without being received again."""
    js = broker.js(source.domain or None)
    stream = layout.stream(source.origin)
    subscription = _call(broker, _subscribe(js, layout, reader, stream))
    report = PullReport(stream=stream)
    while True:
        messages = _call(broker, _next_batch(subscription, batch, follow))
        if not messages:
            if follow:
                continue
            return report
        payloads = [payload_decode(msg) for msg in messages]
        theirs = [payload for payload in payloads if payload.get("origin") != reader]
        report.messages += len(messages)
        report.own += len(payloads) - len(theirs)
        if theirs:
            report.add(receive(theirs))
        _call(broker, _ack(broker, messages))
        if progress is not None:
            progress(report)
