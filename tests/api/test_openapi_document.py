"""The OpenAPI document is committed (`docs/openapi.json`): an API change that is not written
there fails here, so every change of the API is visible in review."""

from __future__ import annotations

import json
from pathlib import Path

from katalog.api.management.commands.openapi import document_text

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_document_is_the_served_one(client):
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served == committed, "run `katalog openapi -o docs/openapi.json` and commit it"
    assert document_text() == COMMITTED.read_text(encoding="utf-8")
