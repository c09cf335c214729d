"""The hash chain of the audit log: what is hashed, and how.

An entry's hash is SHA-256 over the canonical JSON of its recorded fields, the digest of its
subjects and its predecessor's hash. Canonical JSON is sorted keys, no insignificant spaces,
UTF-8: the same bytes on SQLite and PostgreSQL, so a log moved between them still verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def subjects_digest(subjects: Iterable[tuple[str, str, str]]) -> str:
    """Digest of (object type, key, change JSON) triples in their recorded order."""
    digest = hashlib.sha256()
    for object_type, key, change in subjects:
        digest.update(canonical_json([object_type, key, change]).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def at_text(at: dt.datetime) -> str:
    """The time as hashed: UTC, microseconds, whatever time zone the database returns."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(*, fields: dict[str, Any], subjects: str, prev_hash: str) -> str:
    body = canonical_json({"fields": fields, "subjects": subjects, "prev": prev_hash})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def entry_fields(
    *,
    seq: int,
    at: dt.datetime,
    actor_name: str,
    bureau_key: str,
    interface: str,
    action: str,
    object_type: str,
    object_key: str,
    subject_count: int,
    changes_json: str,
    reason: str,
) -> dict[str, Any]:
    """The recorded fields of an entry, exactly as they enter its hash."""
    return {
        "seq": seq,
        "at": at_text(at),
        "actor": actor_name,
        "bureau": bureau_key,
        "interface": interface,
        "action": action,
        "object_type": object_type,
        "object_key": object_key,
        "subject_count": subject_count,
        "changes": changes_json,
        "reason": reason,
    }
