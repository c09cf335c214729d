"""The score where readers see an item: its API representation and its page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from katalog.quality.services import rescore
from tests.factories import make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_five_rules")]


def scored(**kwargs):
    item = make_item(**kwargs)  # no characteristics (30) and no registered user (20)
    rescore([item.pk])
    return item


def test_api_item_carries_quality_rule_by_rule():
    item = scored()
    body = Client().get(f"/api/v1/items/{item.niin}?lang=en").json()
    assert body["quality"]["score"] == 50
    rules = {r["code"]: r for r in body["quality"]["rules"]}
    assert rules["CHARACTERISTICS"]["passed"] is False
    assert rules["CHARACTERISTICS"]["fix"]
    assert rules["REPLACEMENT_ACTIVE"]["passed"] is True
    assert rules["REPLACEMENT_ACTIVE"]["message"] == "The replacement item is itself active."


def test_api_messages_in_the_asked_language():
    item = scored()
    body = Client().get(f"/api/v1/items/{item.niin}", HTTP_ACCEPT_LANGUAGE="ru").json()
    with translation.override("ru"):
        expected = str(translation.gettext("The replacement item is itself active."))
    messages = {r["code"]: r["message"] for r in body["quality"]["rules"]}
    assert messages["REPLACEMENT_ACTIVE"] == expected != "The replacement item is itself active."


def test_api_quality_is_null_until_scored():
    item = make_item()
    assert Client().get(f"/api/v1/items/{item.niin}").json()["quality"] is None


def test_restricted_reader_sees_no_quality():
    item = scored(release="restricted")
    body = Client().get(f"/api/v1/items/{item.niin}").json()
    assert body["restricted"] is True
    assert body["quality"] is None
    page = Client().get(f"/items/{item.niin}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert item.niin in page
    assert "Quality score" not in page


def test_item_page_shows_score_and_how_to_fix_failing_rules():
    item = scored()
    page = Client().get(f"/items/{item.niin}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Quality score: 50 of 100" in page
    assert "Add the characteristics the identification guide asks for." in page
    assert "Register a user, or let the item become inactive (status 6)." in page
    assert "CHARACTERISTICS" not in page  # rule codes are internal
