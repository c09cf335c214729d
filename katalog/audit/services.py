"""Writing the audit log. Services call `audit_record` last in their transaction, so the entry
commits with the change it describes or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from katalog.audit import chain, listeners
from katalog.audit.models import AuditChainHead, AuditEntry, AuditSubject, ConsumerPosition
from katalog.core.actors import Actor, actor_name, current_interface

SUBJECT_BATCH = 5_000
MAX_REASON = 2_000

# Called with each new entry inside the change's transaction: apps above the audit log (the
# exchange's outbox) record their part of the change atomically with it.
_recorded_listeners: list[Callable[[AuditEntry, Actor], None]] = []


def audit_listener_add(listener: Callable[[AuditEntry, Actor], None]) -> None:
    if listener not in _recorded_listeners:
        _recorded_listeners.append(listener)


@dataclass(frozen=True)
class Subject:
    """An object a change touched, with its own part of the change (for batch entries)."""

    object_type: str
    key: str
    change: dict[str, Any] | None = None

    def change_text(self) -> str:
        return chain.canonical_json(self.change) if self.change is not None else ""


def _next_seq() -> tuple[int, str]:
    """Take the next sequence number under the chain head's row lock (held to commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_seq = last_seq + 1 WHERE id = 1 "
            "RETURNING last_seq, last_hash"
        )
        row = cursor.fetchone()
    if row is None:
        # Only when the head row is missing (a database flushed by a test): start the chain.
        AuditChainHead.objects.get_or_create(pk=1)
        return _next_seq()
    return int(row[0]), str(row[1])


def _set_head_hash(value: str) -> None:
    AuditChainHead.objects.filter(pk=1).update(last_hash=value)


def actor_bureau_key(actor: Actor) -> str:
    bureau = getattr(actor, "bureau", None)
    return str(getattr(bureau, "key", "") or "")


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_key: str,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    subjects: Sequence[Subject] | None = None,
) -> AuditEntry:
    """Append one entry to the log, chained to the last one. Must run in the caller's
    transaction. Without `subjects`, the entry's own object is its only subject."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    touched = list(subjects) if subjects else [Subject(object_type, object_key)]
    seq, prev_hash = _next_seq()
    at = timezone.now()
    changes_json = chain.canonical_json(changes or {})
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor_name": actor_name(actor)[:150],
        "bureau_key": actor_bureau_key(actor),
        "interface": str(current_interface()),
        "action": action,
        "object_type": object_type,
        "object_key": str(object_key)[:80],
        "subject_count": len(touched),
        "changes_json": changes_json,
        "reason": (reason or "")[:MAX_REASON],
    }
    subject_rows = [(s.object_type, str(s.key)[:80], s.change_text()) for s in touched]
    digest = chain.subjects_digest(subject_rows)
    own_hash = chain.entry_hash(
        fields=chain.entry_fields(**fields), subjects=digest, prev_hash=prev_hash
    )
    entry = AuditEntry.objects.create(
        **fields,
        actor_id=getattr(actor, "pk", None),
        prev_hash=prev_hash,
        hash=own_hash,
    )
    _write_subjects(entry, subject_rows)
    _set_head_hash(own_hash)
    for listener in _recorded_listeners:
        listener(entry, actor)
    listeners.note((t, k) for t, k, _ in subject_rows)
    return entry


def _write_subjects(entry: AuditEntry, rows: Iterable[tuple[str, str, str]]) -> None:
    AuditSubject.objects.bulk_create(
        [
            AuditSubject(entry=entry, position=i, object_type=t, object_key=k, change_json=c)
            for i, (t, k, c) in enumerate(rows)
        ],
        batch_size=SUBJECT_BATCH,
    )


# --- followers of the change stream ----------------------------------------------------------


def position_get(name: str) -> int:
    row = ConsumerPosition.objects.filter(pk=name).values_list("seq", flat=True).first()
    return int(row or 0)


def position_set(name: str, seq: int) -> None:
    """Record how far a follower has applied the stream (never backwards)."""
    updated = ConsumerPosition.objects.filter(pk=name, seq__lt=seq).update(seq=seq)
    if not updated:
        ConsumerPosition.objects.get_or_create(pk=name, defaults={"seq": seq})
