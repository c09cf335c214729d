"""The item page shows the item's interchangeability family, and a cancelled item leads to
the usable alternatives: the active members that may replace it and its replacement."""

from __future__ import annotations

import pytest
from django.test import Client

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    client = Client()
    client.force_login(UserFactory(username="ru-page-ic", bureau=bureau("RU"), roles=["viewer"]))
    return client


def page(client, item) -> str:
    response = client.get(f"/items/{item.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_family_with_directions_and_conditions(reader):
    master = make_item("RU")
    family = services.family_create(actor=SYSTEM_INIT, master=master)
    member = make_item("RU")
    services.family_member_add(
        actor=SYSTEM_INIT,
        family=family,
        item=member,
        relation="replaces_master",
        conditions="only with washer 12",
    )
    text = page(reader, member)
    assert "Interchangeability" in text
    assert master.catalogue_number in text
    assert "may replace the master item, not the reverse" in text
    assert "only with washer 12" in text
    # An active item is usable: no alternatives are offered.
    assert "Usable alternatives" not in text


def test_a_cancelled_item_leads_to_active_members_and_its_replacement(reader):
    master, active, one_way = make_item("RU"), make_item("RU"), make_item("RU")
    family = services.family_create(actor=SYSTEM_INIT, master=master)
    services.family_member_add(actor=SYSTEM_INIT, family=family, item=active, relation="two_way")
    services.family_member_add(
        actor=SYSTEM_INIT, family=family, item=one_way, relation="replaced_by_master"
    )
    replacement = make_item("RU")
    services.item_cancel(actor=SYSTEM_INIT, item=master, reason="A", replacement=replacement)
    text = page(reader, master)
    assert "Usable alternatives" in text
    listed = text.split('id="alternatives"')[1].split("</section>")[0]
    assert active.catalogue_number in listed
    assert replacement.catalogue_number in listed
    # The master may replace this member, not the reverse.
    assert one_way.catalogue_number not in listed


def test_an_alternative_the_reader_may_not_see_is_not_shown(reader):
    master = make_item("RU")
    family = services.family_create(actor=SYSTEM_INIT, master=master)
    secret = make_item("KZ", release="restricted")
    services.family_member_add(actor=SYSTEM_INIT, family=family, item=secret, relation="two_way")
    services.item_cancel(actor=SYSTEM_INIT, item=master, reason="B")
    text = page(reader, master)
    assert secret.catalogue_number not in text
    assert "Usable alternatives" not in text
