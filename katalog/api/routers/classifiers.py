"""Classification server endpoints (Klass-style)."""

from ninja import Router

router = Router(tags=["classifiers"])
