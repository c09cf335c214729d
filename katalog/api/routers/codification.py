"""REST endpoints of the codification area."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["codification"])
