"""Interchangeability families stated over the API: a bureau states a family headed by an item,
adds members with their relation and conditions, takes one out, makes another the master; only
the stating bureau changes it, and refusals change nothing."""

from __future__ import annotations

import pytest

from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import InterchangeFamily, InterchangeMember
from tests.api.conftest import TokenClient, user_with_token
from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def ru_client() -> TokenClient:
    _user, token = user_with_token("ru-family", "RU")
    return TokenClient(token)


@pytest.fixture
def kz_client() -> TokenClient:
    _user, token = user_with_token("kz-family", "KZ")
    return TokenClient(token)


def test_a_bureau_states_a_family_and_changes_it(ru_client):
    master, member, other = make_item("RU"), make_item("RU"), make_item("KZ")
    made = ru_client.post(f"/api/v1/items/{master.catalogue_number}/family")
    assert made.status_code == 201, made.content
    assert (made.json()["bureau"], made.json()["members"]) == ("RU", [])
    added = ru_client.post(
        f"/api/v1/items/{master.catalogue_number}/family/members",
        {"item": member.catalogue_number, "relation": "replaces_master", "conditions": "до 2020"},
    )
    assert added.status_code == 200, added.content
    assert [(m["catalogue_number"], m["relation"], m["conditions"])
            for m in added.json()["members"]] == [
        (member.catalogue_number, "replaces_master", "до 2020")
    ]  # fmt: skip
    # Read from the member, the same family, the member's relation first.
    also = ru_client.post(
        f"/api/v1/items/{member.catalogue_number}/family/members",
        {"item": other.catalogue_number, "relation": "two_way"},
    )
    assert also.status_code == 200, also.content
    assert also.json()["relation"] == "replaces_master"
    headed = ru_client.put(
        f"/api/v1/items/{master.catalogue_number}/family/master", {"item": other.catalogue_number}
    )
    assert headed.status_code == 200, headed.content
    assert InterchangeFamily.objects.get().master_id == other.pk
    removed = ru_client.delete(
        f"/api/v1/items/{other.catalogue_number}/family/members/{member.catalogue_number}"
    )
    assert removed.status_code == 200, removed.content
    assert set(InterchangeMember.objects.values_list("item_id", flat=True)) == {master.pk}


def test_another_bureau_does_not_change_the_family_and_nothing_changes(ru_client, kz_client):
    master, member = make_item("RU"), make_item("RU")
    ru_client.post(f"/api/v1/items/{master.catalogue_number}/family")
    refused = kz_client.post(
        f"/api/v1/items/{master.catalogue_number}/family/members",
        {"item": member.catalogue_number, "relation": "two_way"},
    )
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == E.NOT_FAMILY_BUREAU
    assert not InterchangeMember.objects.exists()


def test_clear_errors_for_an_item_in_no_family_an_unknown_relation_or_item(ru_client):
    lone, master = make_item("RU"), make_item("RU")
    missing = ru_client.post(
        f"/api/v1/items/{lone.catalogue_number}/family/members",
        {"item": master.catalogue_number, "relation": "two_way"},
    )
    assert (missing.status_code, missing.json()["code"]) == (404, E.FAMILY_NOT_FOUND)
    ru_client.post(f"/api/v1/items/{master.catalogue_number}/family")
    bad = ru_client.post(
        f"/api/v1/items/{master.catalogue_number}/family/members",
        {"item": lone.catalogue_number, "relation": "sometimes"},
    )
    assert bad.status_code == 422
    unknown = ru_client.post(
        f"/api/v1/items/{master.catalogue_number}/family/members",
        {"item": "5310-57-999-9999", "relation": "two_way"},
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, E.UNKNOWN_ITEM)
    twice = ru_client.post(f"/api/v1/items/{master.catalogue_number}/family")
    assert twice.status_code == 409, twice.content
    assert not InterchangeMember.objects.exists()
