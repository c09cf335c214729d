"""Work the job worker does on a schedule beside its queue, registered by the apps that own it
(the exchange pulls from its peers), so the worker needs to know none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: Callable[[], float]  # read when due, so a setting can turn it off (0)
    run: Callable[[], object]


_registered: dict[str, Periodic] = {}


def periodic_register(name: str, seconds: Callable[[], float], run: Callable[[], object]) -> None:
    _registered[name] = Periodic(name, seconds, run)


def periodic_tasks() -> list[Periodic]:
    return list(_registered.values())
