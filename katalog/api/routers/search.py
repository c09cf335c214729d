"""REST endpoints of the search area."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["search"])
