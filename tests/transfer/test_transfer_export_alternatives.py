"""The export's `alternatives` column: the family alternatives of an item with a family,
`;` between them, in the relation's direction and within the release rules."""

from __future__ import annotations

import csv
import io

import pytest

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from katalog.transfer.exporters import export_items
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


def exported(reader) -> dict[str, str]:
    out = io.StringIO()
    export_items(out, fmt="csv", reader=reader)
    rows = csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))
    return {row["catalogue_number"]: row["alternatives"] for row in rows}


def test_the_export_lists_the_alternatives_of_items_with_a_family():
    master, two_way, one_way = make_item(), make_item(), make_item()
    secret = make_item("KZ", release="restricted")
    alone = make_item()
    family = services.family_create(actor=SYSTEM_INIT, master=master)
    services.family_member_add(actor=SYSTEM_INIT, family=family, item=two_way, relation="two_way")
    services.family_member_add(
        actor=SYSTEM_INIT, family=family, item=one_way, relation="replaces_master"
    )
    services.family_member_add(actor=SYSTEM_INIT, family=family, item=secret, relation="two_way")
    ru = UserFactory(username="ru-exporter-ic", bureau=bureau("RU"), roles=["viewer"])
    rows = exported(ru)
    assert rows[master.catalogue_number] == f"{two_way.catalogue_number};{one_way.catalogue_number}"
    assert rows[two_way.catalogue_number] == master.catalogue_number
    assert rows[one_way.catalogue_number] == ""
    assert rows[alone.catalogue_number] == ""
    assert secret.catalogue_number in exported(SYSTEM_INIT)[master.catalogue_number]
