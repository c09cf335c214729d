"""REST endpoints of the screening area."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["screening"])
