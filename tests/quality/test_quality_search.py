"""Searching for items by their quality score ("quality below N")."""

from __future__ import annotations

import pytest
from django.test import Client

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from katalog.quality.services import rescore
from tests.factories import make_item

pytestmark = pytest.mark.django_db


def numbers(path: str) -> set[str]:
    response = Client().get(path)
    assert response.status_code == 200, response.content
    return {hit["niin"] for hit in response.json()["hits"]}


def test_quality_below_finds_only_items_scored_below():
    poor = make_item()  # 50: no characteristics, no user
    better = make_item()
    services.characteristic_set(actor=SYSTEM_INIT, item=better, code="THDD", raw="10 mm")  # 80
    unscored = make_item()
    rescore([poor.pk, better.pk])
    found = numbers("/api/v1/search?class=5310&quality_below=60")
    assert poor.niin in found
    assert better.niin not in found
    assert unscored.niin not in found
    assert {poor.niin, better.niin} <= numbers("/api/v1/search?class=5310&quality_below=81")
    assert numbers("/api/v1/search?class=5310&quality_below=50") & {poor.niin} == set()


@pytest.mark.parametrize("value", ["-1", "101", "abc"])
def test_quality_below_out_of_range_is_a_clear_error(value):
    response = Client().get(f"/api/v1/search?quality_below={value}")
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.content.decode()
