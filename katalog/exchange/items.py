"""An item's shared state as the exchange carries it: the catalogue's part
(`katalog.catalog.replica`) with the item's export-control marks (`katalog.classifiers.replica`)
as `control_marks`.

The marks are classifier data about a catalogue item and the catalogue sits below the
classifiers, so neither app builds the other's part: the exchange, above both, puts them
together here, for the events, the digest and the local state a problem shows. A restricted
item travels as its number, name and status only, so its marks are left out too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from katalog.catalog import replica
from katalog.catalog.models import ReleaseLevel
from katalog.classifiers.replica import control_marks_of

MARKS = "control_marks"


def _with_marks(states: Iterable[dict[str, Any]]) -> None:
    open_ = [s for s in states if s["release"] != ReleaseLevel.RESTRICTED]
    marks = control_marks_of(s["niin"] for s in open_)
    for state in open_:
        state[MARKS] = marks.get(state["niin"], [])


def item_states(niins: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The shared states of the items with these numbers."""
    states = replica.item_states(niins)
    _with_marks(states.values())
    return states


def all_item_states() -> Iterator[dict[str, Any]]:
    """Every item's shared state in number order, a page at a time."""
    for page in replica.all_item_state_pages():
        _with_marks(page)
        yield from page
