"""The item export carries each item's stored quality score, as the item page shows it: blank
for an item not scored yet and for an item the reader may not see in full."""

from __future__ import annotations

import csv
import io

import pytest

from katalog.core.actors import SYSTEM_INIT
from katalog.quality.models import ItemQuality
from katalog.transfer.exporters import ITEM_COLUMNS, export_items
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


def exported(reader) -> dict[str, str]:
    out = io.StringIO()
    export_items(out, fmt="csv", reader=reader)
    rows = csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))
    return {row["catalogue_number"]: row["quality_score"] for row in rows}


def test_export_has_the_stored_score_of_each_item():
    scored, unscored = make_item(), make_item()
    restricted = make_item(release="restricted")
    ItemQuality.objects.create(item=scored, score=70, failed=["REGISTRATIONS"])
    ItemQuality.objects.create(item=restricted, score=40, failed=["CHARACTERISTICS"])
    assert ITEM_COLUMNS[-2:] == ["quality_score", "alternatives"]
    assert exported(SYSTEM_INIT) == {
        scored.catalogue_number: "70",
        unscored.catalogue_number: "",
        restricted.catalogue_number: "40",
    }
    outsider = UserFactory(username="kz-exporter", bureau=bureau("KZ"), roles=["viewer"])
    assert exported(outsider)[restricted.catalogue_number] == ""
    assert exported(outsider)[scored.catalogue_number] == "70"
