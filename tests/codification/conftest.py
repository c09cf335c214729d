"""Fixtures for codification requests: people of the RU bureau in their roles, a KZ outsider."""

from __future__ import annotations

import pytest

from tests.factories import ManufacturerFactory, UserFactory, bureau


@pytest.fixture
def author(db):
    return UserFactory(username="ru-author", bureau=bureau("RU"))


@pytest.fixture
def decider(db):
    return UserFactory(username="ru-decider", bureau=bureau("RU"), roles=["approver"])


@pytest.fixture
def approver(db):
    return UserFactory(username="ru-approver", bureau=bureau("RU"), roles=["approver"])


@pytest.fixture
def outsider(db):
    return UserFactory(username="kz-cataloguer", bureau=bureau("KZ"))


@pytest.fixture
def maker(db):
    return ManufacturerFactory(code="A501F")


@pytest.fixture
def people(author, decider, approver):
    return {"author": author, "decider": decider, "approver": approver}
