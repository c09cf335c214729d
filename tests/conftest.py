"""Shared fixtures. The database comes from KATALOG_DATABASE_URL (SQLite by default)."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: PT004
    """Load the shipped reference data once per test database (it is read-only in tests)."""
    with django_db_blocker.unblock():
        call_command("init", "--reference-only", verbosity=0)
    yield
