"""Catalogue endpoints: items of supply, references, manufacturers."""

from ninja import Router

router = Router(tags=["catalogue"])
