"""Classifier fixtures: the shipped classifications are loaded once per test database."""

from __future__ import annotations

import pytest

from katalog.accounts.models import Bureau
from katalog.catalog.models import Manufacturer
from katalog.classifiers.loaders import load_shipped_classifiers
from katalog.classifiers.models import Version


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """`katalog init` already loads the classifiers; loading again is a no-op by design, and
    keeps these tests independent of what init does."""
    with django_db_blocker.unblock():
        load_shipped_classifiers()
    return


@pytest.fixture
def version(db):
    return lambda slug: Version.objects.get(slug=slug)


@pytest.fixture
def make_manufacturer(db):
    def make(code: str, country: str, name: str) -> Manufacturer:
        return Manufacturer.objects.create(
            code=code,
            names={"en": name},
            country_id=country,
            bureau=Bureau.objects.get(key=country),
        )

    return make
