"""Fixtures of the synthetic catalogue tests: a small generated catalogue."""

from __future__ import annotations

import pytest

from katalog.synthetic.generator import generate_catalogue


@pytest.fixture
def generated(db):
    """A generated catalogue of 1,500 items in the test database."""
    return generate_catalogue(items=1500, seed=11, manufacturers=120, chunk_items=400)
