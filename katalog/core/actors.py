"""Who acts and who reads.

Every write of katalog names its actor: a person (`accounts.User`) or a named system actor for
work that no person does at that moment (`katalog init`, migrations, the exchange applying a
peer's signed events, the worker's housekeeping). Every read of catalogue data names its
reader, which may also be an anonymous visitor where the installation allows public reading.

The interface a change came through (page, API, command line, import job, exchange) travels in
a context variable set once at the entry point, so services need not pass it along.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from katalog.accounts.models import User


@dataclass(frozen=True)
class SystemActor:
    """A named actor of the installation itself. It has no bureau and no roles: services let
    it do only what its name stands for (loading shipped reference data, applying verified
    exchange events)."""

    name: str

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    bureau = None
    bureau_id = None
    pk = None

    @property
    def username(self) -> str:
        return f"system:{self.name}"

    def __str__(self) -> str:
        return self.username


SYSTEM_INIT = SystemActor("init")
SYSTEM_MIGRATION = SystemActor("migration")
SYSTEM_EXCHANGE = SystemActor("exchange")
SYSTEM_WORKER = SystemActor("worker")
SYSTEM_OPERATOR = SystemActor("operator")

Actor: TypeAlias = "User | SystemActor"
Reader: TypeAlias = "User | SystemActor | AnonymousUser"


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def person_of(actor: Actor) -> User | None:
    """The person behind `actor`, for the columns that name one: None for a system actor (and
    for a visitor who is not signed in)."""
    if isinstance(actor, SystemActor) or not getattr(actor, "pk", None):
        return None
    return actor


def actor_name(actor: object) -> str:
    """The name kept in the audit log: a username or `system:<name>`."""
    name = getattr(actor, "username", "") or ""
    return str(name) if name else "anonymous"


class Interface(StrEnum):
    """Through what a change reached the write path (recorded in the audit log)."""

    PAGE = "page"
    API = "api"
    CLI = "cli"
    JOB = "job"
    IMPORT = "import"
    EXCHANGE = "exchange"
    SYSTEM = "system"


_interface: ContextVar[Interface] = ContextVar("katalog_interface", default=Interface.CLI)


def current_interface() -> Interface:
    return _interface.get()


@contextlib.contextmanager
def acting_through(interface: Interface) -> Iterator[None]:
    """Mark every change made inside the block as coming through `interface`."""
    token = _interface.set(interface)
    try:
        yield
    finally:
        _interface.reset(token)
