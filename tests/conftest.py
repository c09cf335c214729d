"""Shared fixtures. The database comes from KATALOG_DATABASE_URL (SQLite by default)."""

from __future__ import annotations

import os

import pytest

# Servers the tests start in child processes need a fixed secret key, as any server does.
os.environ.setdefault("KATALOG_SECRET_KEY", "katalog-tests-" + "x" * 40)
from django.core.management import call_command


def _load_reference_data() -> None:
    call_command("init", "--reference-only", "--no-migrate", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped reference data once per test database (tests only read it)."""
    with django_db_blocker.unblock():
        _load_reference_data()
    return


@pytest.fixture(autouse=True)
def _reference_data_present(request, django_db_blocker):
    """Transactional tests flush every table when they end; put reference data back first.

    Autouse, so it runs before the test's own transaction opens and the reload is committed.
    """
    wants_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not wants_db:
        return
    request.getfixturevalue("django_db_setup")
    from katalog.accounts.models import Bureau

    with django_db_blocker.unblock():
        if not Bureau.objects.exists():
            _load_reference_data()


@pytest.fixture(autouse=True)
def _public_read(settings):
    """Most tests read the public part of the catalogue anonymously, as the demonstration
    installation allows; the release rules' tests turn it off where they say so."""
    settings.PUBLIC_READ = True


@pytest.fixture(autouse=True)
def _no_search_index(settings, tmp_path_factory):
    """Tests search through the database unless they build a tantivy index themselves (never
    one left in the data directory of the checkout)."""
    settings.SEARCH_INDEX_DIR = str(tmp_path_factory.mktemp("search-index") / "index")


@pytest.fixture(autouse=True)
def _english_messages():
    """Tests read messages in the English source language; a page request leaves its language
    active on the thread, so every test starts from English again. Language behaviour itself
    is tested with explicit `translation.override` or Accept-Language."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    """Tests of PostgreSQL's own behaviour (triggers, plans) run in the PostgreSQL pass of
    `make test`; the SQLite pass leaves them to it."""
    if os.environ.get("KATALOG_DATABASE_URL", "").startswith("postgres"):
        return
    later = pytest.mark.skip(reason="runs in the PostgreSQL pass")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(later)


# The built-in quality rules added after the first five, which tests of the scores' arithmetic
# (written for those five) switch off as a bureau may; the later rules have tests of their own.
LATER_QUALITY_RULES = (
    "GUIDE_REQUIRED", "VALUES_VALID", "NAME_ALLOWED", "NAME_LANGUAGES", "NO_OPEN_DUPLICATE",
    "REVIEWED",
)  # fmt: skip


@pytest.fixture
def first_five_rules(db):
    from katalog.quality.models import QualityRule

    QualityRule.objects.filter(bureau__isnull=True, code__in=LATER_QUALITY_RULES).update(
        active=False
    )
