"""Listeners told, once the transaction commits, which objects its audit entries touched.

Followers that must be current as soon as a change is visible (quality scores) register here;
the others read the change stream at their own pace. One callback per transaction carries every
touched object, so a large import is handled as one set, not row by row."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

Touched = set[tuple[str, str]]
Listener = Callable[[Touched], object]  # what a listener returns is not used

_listeners: list[Listener] = []
_PENDING = "_katalog_touched"
log = logging.getLogger(__name__)


def listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _registered(connection: BaseDatabaseWrapper) -> bool:
    """Whether this transaction's callback is still queued (a rollback discards it)."""
    return any(getattr(item[1], "_katalog_touched", False) for item in connection.run_on_commit)


def note(touched: Iterable[tuple[str, str]]) -> None:
    """Called by `audit_record` inside the change's transaction."""
    if not _listeners:
        return
    connection = transaction.get_connection()
    pending: Touched | None = getattr(connection, _PENDING, None)
    if pending is None or not _registered(connection):
        pending = set()
        setattr(connection, _PENDING, pending)

        def deliver() -> None:
            done: Touched = getattr(connection, _PENDING, set())
            setattr(connection, _PENDING, None)
            for listener in list(_listeners):
                try:
                    listener(done)
                except Exception:  # the change is committed; a follower catches up later
                    log.exception("change listener failed")

        deliver._katalog_touched = True  # type: ignore[attr-defined]
        transaction.on_commit(deliver)
    pending.update(touched)
