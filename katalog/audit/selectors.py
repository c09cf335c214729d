"""Reading the audit log: an object's history, the change stream, and the chain's check."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from katalog.audit import chain
from katalog.audit.labels import action_label
from katalog.audit.models import AuditChainHead, AuditEntry, AuditSubject

VERIFY_CHUNK = 2_000


def object_history(object_type: str, key: str) -> QuerySet[AuditEntry]:
    """Every entry that touched the object, oldest first (callers page by `seq`)."""
    entry_ids = AuditSubject.objects.filter(object_type=object_type, object_key=key).values(
        "entry_id"
    )
    return AuditEntry.objects.filter(pk__in=entry_ids).order_by("seq")


def history_entry(entry: AuditEntry, *, show_names: bool) -> dict[str, Any]:
    """One entry of an object's history as the pages and the API show it; the actor's name only
    where the reader may see who acted (not to anonymous readers)."""
    return {
        "id": entry.seq,
        "at": entry.at,
        "action": entry.action,
        "action_label": action_label(entry.action),
        "actor": entry.actor_name if show_names else None,
        "bureau": entry.bureau_key or None,
        "interface": entry.interface,
        "reason": entry.reason,
        "data": entry.changes,
    }


def entries_after(seq: int, limit: int = 1_000) -> list[AuditEntry]:
    """The next entries of the change stream after `seq`, with their subjects."""
    return list(
        AuditEntry.objects.filter(seq__gt=seq).order_by("seq").prefetch_related("subjects")[:limit]
    )


def subjects_after(
    object_type: str, *, after: int, entries: int, most_keys: int = 20_000
) -> tuple[list[str], int]:
    """The keys of the objects of one type that the next `entries` entries after `after`
    touched, and the last of those entries (`after` when none follows). Stops early, after a
    whole entry, once `most_keys` objects are collected: a follower takes the log in bites."""
    rows = list(
        AuditEntry.objects.filter(seq__gt=after)
        .order_by("seq")
        .values_list("id", "seq", "subject_count")[:entries]
    )
    chosen: list[int] = []
    last, count = after, 0
    for entry_id, seq, subject_count in rows:
        if chosen and count + subject_count > most_keys:
            break
        chosen.append(entry_id)
        last, count = seq, count + subject_count
    keys = AuditSubject.objects.filter(entry_id__in=chosen, object_type=object_type)
    return sorted(set(keys.values_list("object_key", flat=True))), last


def subjects_waiting(object_type: str, *, after: int, look: int = 1_000) -> bool:
    """Whether an entry after `after` touched an object of this type; more than `look` entries
    after it count as waiting whatever they touched (a follower that far back is behind)."""
    head = last_seq()
    if head <= after:
        return False
    if head - after > look:
        return True
    entries = AuditEntry.objects.filter(seq__gt=after).values("id")
    return AuditSubject.objects.filter(entry_id__in=entries, object_type=object_type).exists()


_LAST_SEQ_SQL = f"SELECT last_seq FROM {AuditChainHead._meta.db_table} WHERE id = 1"  # noqa: S608 (a model's table name)


def last_seq() -> int:
    """The last entry's number. Every search asks it (is the search index current?): one
    statement written out, a fifth of the ORM's cost (0.05 ms against 0.25 ms on SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(_LAST_SEQ_SQL)
        head = cursor.fetchone()
    return int(head[0]) if head else 0


def problem_text(code: str, seq: int) -> str:
    """What a broken link of the chain means, in the reader's language."""
    texts = {
        "ENTRY_MISSING": _("entry %(seq)d is missing"),
        "NOT_CHAINED": _("entry %(seq)d does not follow the entry before it"),
        "SUBJECTS_CHANGED": _("the objects named by entry %(seq)d were changed"),
        "CONTENT_CHANGED": _("the content of entry %(seq)d was changed"),
        "TAIL_REMOVED": _("entries from %(seq)d on were removed"),
    }
    return texts[code] % {"seq": seq}


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of `audit_verify`: how many entries were checked and the first broken one."""

    checked: int
    broken_seq: int | None = None
    problem: str = ""

    def message(self) -> str:
        return problem_text(self.problem, self.broken_seq or 0) if self.problem else ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _subject_rows(entry_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    rows: dict[int, list[tuple[str, str, str]]] = {pk: [] for pk in entry_ids}
    subjects = (
        AuditSubject.objects.filter(entry_id__in=entry_ids)
        .order_by("entry_id", "position")
        .values_list("entry_id", "object_type", "object_key", "change_json")
    )
    for entry_id, object_type, key, change in subjects.iterator(chunk_size=VERIFY_CHUNK):
        rows[entry_id].append((object_type, key, change))
    return rows


def _entry_problem(entry: AuditEntry, expected_seq: int, prev_hash: str, subjects: list) -> str:
    if entry.seq != expected_seq:
        return "ENTRY_MISSING"
    if entry.prev_hash != prev_hash:
        return "NOT_CHAINED"
    if entry.subject_count != len(subjects):
        return "SUBJECTS_CHANGED"
    fields = chain.entry_fields(
        seq=entry.seq,
        at=entry.at,
        actor_name=entry.actor_name,
        bureau_key=entry.bureau_key,
        interface=entry.interface,
        action=entry.action,
        object_type=entry.object_type,
        object_key=entry.object_key,
        subject_count=entry.subject_count,
        changes_json=entry.changes_json,
        reason=entry.reason,
    )
    digest = chain.subjects_digest(subjects)
    if chain.entry_hash(fields=fields, subjects=digest, prev_hash=prev_hash) != entry.hash:
        return "CONTENT_CHANGED"
    return ""


def _entries_in_order() -> Iterator[list[AuditEntry]]:
    after = 0
    while True:
        chunk = list(AuditEntry.objects.filter(seq__gt=after).order_by("seq")[:VERIFY_CHUNK])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].seq


def audit_verify() -> ChainCheck:
    """Recompute the whole chain; the first entry that does not match is named, with why.

    Also compares the chain's end with the head row, so entries removed from the end are found.
    """
    expected, prev_hash, checked = 1, chain.GENESIS_HASH, 0
    for chunk in _entries_in_order():
        subjects = _subject_rows([e.pk for e in chunk])
        for entry in chunk:
            problem = _entry_problem(entry, expected, prev_hash, subjects[entry.pk])
            if problem:
                return ChainCheck(checked, broken_seq=expected, problem=problem)
            checked += 1
            expected, prev_hash = entry.seq + 1, entry.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected - 1 or head.last_hash != prev_hash):
        return ChainCheck(checked, broken_seq=expected, problem="TAIL_REMOVED")
    return ChainCheck(checked)
