"""Serialised classification data kept in the process: a whole version as JSON is asked for
often and changes only when codes are imported or amended.

Keys carry the version's `row_version`, which every import and amendment bumps, so a changed
version is never served from here; old entries age out of the least-recently-used list.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from katalog.classifiers.models import Version

MAX_BYTES = 64 * 1024 * 1024

_lock = threading.Lock()
_entries: OrderedDict[Hashable, bytes] = OrderedDict()
_size = 0


def version_key(version: Version, *parts: Hashable) -> tuple[Hashable, ...]:
    return (version.pk, version.row_version, version.created_at, *parts)


def cached_bytes(key: Hashable, build: Callable[[], bytes]) -> bytes:
    """The bytes stored under `key`, built (outside the lock) when missing."""
    global _size
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    value = build()
    with _lock:
        if key not in _entries:
            _entries[key] = value
            _size += len(value)
            while _size > MAX_BYTES and len(_entries) > 1:
                _old, dropped = _entries.popitem(last=False)
                _size -= len(dropped)
    return value


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0
