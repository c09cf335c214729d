"""Receiving events from other nodes, by whatever transport they came: verify, order per
origin, apply what the origin may change and keep the rest as problems for a person.

- An event is accepted only from a registered node whose key verifies its signature.
- Each origin's events are applied in sequence order, each once: a duplicate changes nothing;
  an event after a gap waits (`PendingEvent`) until the gap is filled.
- Authority decides, as in the NCS: the assigning bureau alone changes an item's identification,
  only the holder of a bureau code creates numbers under it, each nation its own rows; the
  bureau that registered a manufacturer alone changes it. An authentic event that breaks a rule
  is recorded as an `ExchangeProblem` and its origin's sequence moves on past it.
- Reference data (item names, guides, the supply classification, classifiers) is the
  interstate centre's: applied only from a node of the centre, else a problem (`NOT_CENTRE`).
- Each event is applied in a transaction of its own with the position it advances, so a node
  killed while applying starts again where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from katalog.accounts.models import Bureau, BureauKind
from katalog.audit import chain
from katalog.catalog import replica
from katalog.catalog.models import Item, ItemAction, Manufacturer
from katalog.catalog.services import replica as catalog_replica
from katalog.classifiers.replica_services import control_marks_replica_apply
from katalog.core.actors import SYSTEM_EXCHANGE, Interface, acting_through
from katalog.core.errors import KatalogError
from katalog.exchange import items as item_replica
from katalog.exchange import keys, reference
from katalog.exchange.models import (
    ExchangeProblem,
    Node,
    OutboxEvent,
    PeerPosition,
    PendingEvent,
    ProblemKind,
)
from katalog.exchange.outbox import ITEM, MANUFACTURER, canonical_bytes
from katalog.screening.candidates import cross_nation_screen

EVENT_KEYS = ("origin", "seq", "at", "author", "action", "object_type", "object_key", "state")

# Item actions that change only the sending nation's own rows of an item (an interchangeability
# family is its stating bureau's own statement, which may name other nations' items).
ROW_ACTIONS = frozenset(
    {
        ItemAction.FAMILY_CREATED,
        ItemAction.FAMILY_MEMBER_ADDED,
        ItemAction.FAMILY_MEMBER_REMOVED,
        ItemAction.FAMILY_MASTER_SET,
        ItemAction.REFERENCE_ADDED,
        ItemAction.REFERENCE_REMOVED,
        ItemAction.REGISTRATION_ADDED,
        ItemAction.REGISTRATION_WITHDRAWN,
        ItemAction.MANAGEMENT_SET,
        "snapshot",
    }
)
CREATING_ACTIONS = frozenset({ItemAction.CREATED, ItemAction.IMPORTED})
# The assigning bureau's changes in which it answers for other nations' rows of its item too:
# loading it (a snapshot, a file) and a cancellation moving the users to the replacement.
ALL_ROWS_ACTIONS = frozenset(
    {ItemAction.IMPORTED, ItemAction.UPDATED_BY_IMPORT, ItemAction.CANCELLED, "snapshot"}
)


@dataclass
class ReceiveReport:
    applied: int = 0
    duplicates: int = 0
    waiting: int = 0
    problems: int = 0
    origins: set[str] = field(default_factory=set)

    def add(self, other: ReceiveReport) -> None:
        """Add a later report's counts; `waiting` is a state, not a sum: counted again over
        the origins of both."""
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.problems += other.problems
        self.origins |= other.origins
        self.waiting = waiting_count(self.origins)


def waiting_count(origins: Iterable[str]) -> int:
    """Events of these origins kept until the gap before them is filled."""
    return PendingEvent.objects.filter(origin__in=list(origins)).count()


@dataclass(frozen=True)
class _Exchange:
    """What this node knows of the exchange for one delivery, read once: the registered
    nodes, whether this one is the centre, and which bureaus have a node of their own."""

    peers: dict[str, Node]
    local: Node | None
    at_centre: bool
    bureaus_with_node: frozenset[str]
    bureaus: catalog_replica.Bureaus

    @classmethod
    def read(cls) -> _Exchange:
        peers = {n.name: n for n in Node.objects.select_related("bureau")}
        local = next((n for n in peers.values() if n.is_local), None)
        return cls(
            peers=peers,
            local=local,
            at_centre=local is not None and local.bureau.kind == BureauKind.CENTRE,
            bureaus_with_node=frozenset(n.bureau.key for n in peers.values()),
            bureaus=catalog_replica.Bureaus(),
        )

    def may_keep(self, origin: Bureau, owner: Bureau | str) -> bool:
        """An item is kept by the node of its assigning bureau, a manufacturer by the node of
        the bureau that registered it. A bureau with no node of its own in this exchange (an
        external source, a nation not yet connected) has its data kept by whichever node
        records it; the last state received stands."""
        key = owner if isinstance(owner, str) else owner.key
        return key == origin.key or key not in self.bureaus_with_node


class _Refused(Exception):
    def __init__(self, kind: ProblemKind, detail: str = "", local: Any = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.local = local


def _fields(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: payload[key] for key in EVENT_KEYS}


def _well_formed(payload: Any) -> bool:
    if not isinstance(payload, dict) or not all(k in payload for k in (*EVENT_KEYS, "signature")):
        return False
    return (
        isinstance(payload["origin"], str)
        and isinstance(payload["seq"], int)
        and payload["seq"] > 0
        and isinstance(payload["state"], dict)
        and (payload["object_type"] in (ITEM, MANUFACTURER) or _reference_well_formed(payload))
    )


def _reference_well_formed(payload: dict[str, Any]) -> bool:
    kind = reference.KINDS.get(payload["object_type"])
    return kind is not None and isinstance(payload["state"].get(kind.name), dict)


def _problem(
    payload: Any, kind: ProblemKind, transport: str, detail: str = "", local: Any = None
) -> None:
    good = isinstance(payload, dict)
    ExchangeProblem.objects.create(
        origin=str(payload.get("origin", ""))[:40] if good else "",
        seq=payload.get("seq") if good and isinstance(payload.get("seq"), int) else None,
        kind=kind,
        detail=detail[:2000],
        object_type=str(payload.get("object_type", ""))[:40] if good else "",
        object_key=str(payload.get("object_key", ""))[:80] if good else "",
        event_json=chain.canonical_json(payload)[:1_000_000],
        local_json=chain.canonical_json(local) if local is not None else "",
        transport=transport,
    )


def events_receive(payloads: Iterable[Any], *, transport: str) -> ReceiveReport:
    """Take events from a transport: keep each verified new one, then apply every origin's
    events as far as its sequence has no gap."""
    report = ReceiveReport()
    exchange = _Exchange.read()
    # Kept in one transaction (a savepoint each): one commit per delivery, not per event.
    with transaction.atomic():
        for payload in payloads:
            _receive_one(payload, exchange, transport, report)
    for origin in sorted(report.origins):
        drained = origin_drain(origin, exchange, transport)
        report.applied += drained.applied
        report.problems += drained.problems
    report.waiting = waiting_count(report.origins)
    return report


def _receive_one(payload: Any, exchange: _Exchange, transport: str, report: ReceiveReport) -> None:
    if not _well_formed(payload):
        _problem(payload, ProblemKind.MALFORMED, transport)
        report.problems += 1
        return
    origin = payload["origin"]
    node = exchange.peers.get(origin)
    local = exchange.local
    if local is not None and origin == local.name:
        report.duplicates += 1  # our own events, come back through a relay
        return
    if node is None:
        _problem(payload, ProblemKind.ORIGIN_UNKNOWN, transport, origin)
        report.problems += 1
        return
    if not keys.signature_valid(
        canonical_bytes(_fields(payload)), str(payload["signature"]), node.public_key
    ):
        _problem(payload, ProblemKind.SIGNATURE_INVALID, transport, origin)
        report.problems += 1
        return
    position = _position(origin)
    if payload["seq"] <= position.applied_seq:
        report.duplicates += 1
        return
    try:
        with transaction.atomic():
            PendingEvent.objects.create(
                origin=origin,
                seq=payload["seq"],
                payload_json=chain.canonical_json(payload),
                transport=transport,
            )
    except IntegrityError:
        # Kept already by an earlier delivery that stopped before applying it: apply now.
        report.duplicates += 1
        report.origins.add(origin)
        return
    PeerPosition.objects.filter(origin=origin, received_seq__lt=payload["seq"]).update(
        received_seq=payload["seq"]
    )
    PeerPosition.objects.filter(origin=origin).update(received_at=timezone.now())
    report.origins.add(origin)


def _position(origin: str) -> PeerPosition:
    position, _ = PeerPosition.objects.get_or_create(origin=origin)
    return position


def origin_drain(origin: str, exchange: _Exchange, transport: str) -> ReceiveReport:
    """Apply the waiting events of one origin in order, as long as the next one is here."""
    report = ReceiveReport()
    while True:
        applied, problems = _apply_run(origin, exchange, transport)
        if not applied and not problems:
            # Waiting events at or below the position were applied by a concurrent drain.
            position = _position(origin)
            PendingEvent.objects.filter(origin=origin, seq__lte=position.applied_seq).delete()
            return report
        report.applied += applied
        report.problems += problems


def _apply_run(origin: str, exchange: _Exchange, transport: str) -> tuple[int, int]:
    """Apply the next consecutive waiting events of an origin (up to EXCHANGE_APPLY_RUN) in one
    transaction with the position they advance: a node killed meanwhile keeps all or none of
    them, and followers (search, quality) take the run's objects as one set."""
    applied = problems = 0
    with transaction.atomic(), acting_through(Interface.EXCHANGE):
        locked = PeerPosition.objects.select_for_update().get(origin=origin)
        following = list(
            PendingEvent.objects.filter(
                origin=origin,
                seq__gt=locked.applied_seq,
                seq__lte=locked.applied_seq + settings.EXCHANGE_APPLY_RUN,
            ).order_by("seq")
        )
        for pending in following:
            if pending.seq != locked.applied_seq + 1:
                break  # a gap: the rest waits
            payload = json.loads(pending.payload_json)
            if _apply_one(payload, exchange, transport):
                applied += 1
            else:
                problems += 1
            _log_keep(payload)
            locked.applied_seq = pending.seq
            locked.last_event_at = dt.datetime.fromisoformat(payload["at"])
        if applied or problems:
            locked.transport = transport
            locked.save()
            PendingEvent.objects.filter(origin=origin, seq__lte=locked.applied_seq).delete()
    return applied, problems


def _apply_one(payload: dict[str, Any], exchange: _Exchange, transport: str) -> bool:
    try:
        with transaction.atomic():
            _apply(payload, exchange)
    except _Refused as refused:
        _problem(payload, refused.kind, transport, refused.detail, refused.local)
        return False
    except KatalogError as error:
        _problem(payload, ProblemKind.REFERENCE_DATA_MISSING, transport, str(error))
        return False
    return True


def _log_keep(payload: dict[str, Any]) -> None:
    """Keep the origin's signed event in this node's log, so peers can read it from here
    (the centre relays the bureaus' events to each other)."""
    OutboxEvent.objects.get_or_create(
        origin=payload["origin"],
        seq=payload["seq"],
        defaults={
            "at": dt.datetime.fromisoformat(payload["at"]),
            "author": payload["author"],
            "action": payload["action"],
            "object_type": payload["object_type"],
            "object_key": payload["object_key"],
            "state_json": chain.canonical_json(payload["state"]),
            "signature": payload["signature"],
        },
    )


def _reason(payload: dict[str, Any]) -> str:
    return f"{payload['origin']}#{payload['seq']} {payload['author']}"


def _apply(payload: dict[str, Any], exchange: _Exchange) -> None:
    origin = exchange.peers[payload["origin"]].bureau
    if payload["object_type"] in reference.KINDS:
        _apply_reference(payload, origin)
    elif payload["object_type"] == ITEM:
        _apply_item(payload, origin, exchange)
    else:
        _apply_manufacturer(payload, origin, exchange)


def _code_holder(niin: str, on: dt.date) -> Bureau | None:
    return Bureau.objects.holding_code_at(niin[:2], on).first()


def _apply_item(payload: dict[str, Any], origin: Bureau, exchange: _Exchange) -> None:
    state = payload["state"]["item"]
    local = Item.objects.select_related("bureau").filter(niin=state["niin"]).first()
    action = payload["action"]
    if local is None and action in CREATING_ACTIONS:
        holder = _code_holder(state["niin"], dt.date.fromisoformat(payload["at"][:10]))
        if holder is None or not exchange.may_keep(origin, holder):
            raise _Refused(
                ProblemKind.ALLOCATION_NOT_HELD,
                f"{state['niin'][:2]}: {holder.key if holder else '—'}, not {origin.key}",
            )
    assigner = local.bureau.key if local else state["bureau"]
    identification = exchange.may_keep(origin, assigner)
    if not identification and action not in ROW_ACTIONS:
        raise _Refused(
            ProblemKind.NOT_ASSIGNING_BUREAU,
            f"{state['niin']}: {assigner}, not {origin.key}",
            local=_local_item(state["niin"]),
        )
    item = catalog_replica.item_replica_apply(
        actor=SYSTEM_EXCHANGE,
        state=state,
        origin_bureau=origin,
        identification=identification,
        all_rows=action in ALL_ROWS_ACTIONS,
        manufacturers=payload["state"].get("manufacturers") or {},
        reason=_reason(payload),
        bureaus=exchange.bureaus,
        answers_for=lambda key: exchange.may_keep(origin, key),
    )
    if item_replica.MARKS in state and (local is None or identification):
        # The assigning bureau's marks, as its identification (or of an item new here).
        control_marks_replica_apply(
            actor=SYSTEM_EXCHANGE,
            item=item,
            marks=state[item_replica.MARKS],
            reason=_reason(payload),
        )
    if exchange.at_centre:
        # The centre screens across nations as their items arrive (duplicate candidates).
        cross_nation_screen(actor=SYSTEM_EXCHANGE, item=item)


def _local_item(niin: str) -> dict[str, Any] | None:
    return item_replica.item_states([niin]).get(niin)


def _apply_manufacturer(payload: dict[str, Any], origin: Bureau, exchange: _Exchange) -> None:
    state = payload["state"]["manufacturer"]
    local = Manufacturer.objects.select_related("bureau").filter(code=state["code"]).first()
    owner = local.bureau if local else Bureau.objects.filter(key=state["bureau"]).first()
    if (
        owner is None
        or not exchange.may_keep(origin, owner)
        or not exchange.may_keep(origin, state["bureau"])
    ):
        raise _Refused(
            ProblemKind.NOT_OWNER,
            f"{state['code']}: {owner.key if owner else state['bureau']}, not {origin.key}",
            local=replica.manufacturer_state(local) if local else None,
        )
    catalog_replica.manufacturer_replica_apply(
        actor=SYSTEM_EXCHANGE, state=state, reason=_reason(payload), bureaus=exchange.bureaus
    )


def _apply_reference(payload: dict[str, Any], origin: Bureau) -> None:
    """Reference data is the centre's: from any other node it changes nothing here."""
    object_type, key = payload["object_type"], payload["object_key"]
    if origin.kind != BureauKind.CENTRE:
        raise _Refused(
            ProblemKind.NOT_CENTRE,
            f"{object_type} {key}: {origin.key}, not the centre",
            local=reference.local_state(object_type, key),
        )
    kind = reference.KINDS[object_type]
    kind.apply(actor=SYSTEM_EXCHANGE, state=payload["state"][kind.name], reason=_reason(payload))
