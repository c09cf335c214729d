"""Items cite documents through their standard references: a replaced or cancelled document
flags every item citing it, on the item page and in the API, and the search by number finds
the document with its citing items."""

from __future__ import annotations

import pytest

from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.nomenclature import selectors, services
from katalog.nomenclature.loaders import SHIPPED, load_documents
from katalog.nomenclature.models import NormativeDocument

pytestmark = pytest.mark.django_db


def replace_nuts_standard(document):
    newer = services.document_create(
        actor=SYSTEM_INIT, number="ГОСТ ISO 4032-2014", kind="interstate", titles={"ru": "Гайки"}
    )
    return services.document_replace(
        actor=SYSTEM_INIT, document=document, expected_version=1, replaced_by=newer
    ), newer


def test_the_items_citing_a_document_are_its_standard_references(nuts_standard, citing_nuts):
    page = selectors.citing_items(nuts_standard, reader=SYSTEM_INIT)
    assert [i.niin for i in page.rows] == sorted(i.niin for i in citing_nuts[:2])


def test_citing_items_are_keyset_paged(nuts_standard, citing_nuts):
    first = selectors.citing_items(nuts_standard, reader=SYSTEM_INIT, limit=1)
    second = selectors.citing_items(
        nuts_standard, reader=SYSTEM_INIT, after=first.next_after, limit=1
    )
    assert first.more
    assert not second.more
    assert {first.rows[0].niin, second.rows[0].niin} == {i.niin for i in citing_nuts[:2]}


def test_the_item_page_shows_the_cited_document_in_force(client, nuts_standard, citing_nuts):
    text = client.get(f"/items/{citing_nuts[0].catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en")
    body = text.content.decode()
    assert "Normative documents cited" in body
    assert f"/documents/{nuts_standard.pk}/" in body
    assert "has been replaced" not in body


def test_replacing_flags_the_citing_items_on_their_page(client, nuts_standard, citing_nuts):
    replace_nuts_standard(nuts_standard)
    for item in citing_nuts[:2]:
        body = client.get(f"/items/{item.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en")
        text = body.content.decode()
        assert "ГОСТ 5915-70 has been replaced by ГОСТ ISO 4032-2014 since" in text
    # A part number that happens to read like a standard cites nothing.
    other = client.get(f"/items/{citing_nuts[2].catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Normative documents cited" not in other.content.decode()


def test_replacing_flags_the_citing_items_in_the_api(client, nuts_standard, citing_nuts):
    _old, newer = replace_nuts_standard(nuts_standard)
    body = client.get(f"/api/v1/items/{citing_nuts[1].niin}?lang=en").json()
    (cited,) = body["documents"]
    assert cited["number"] == "ГОСТ 5915-70"
    assert cited["cited_as"] == "GOST 5915–70"
    assert cited["status"] == "replaced"
    assert cited["replaced_by"] == {"id": newer.pk, "number": "ГОСТ ISO 4032-2014"}
    assert "has been replaced by ГОСТ ISO 4032-2014" in cited["warning"]


def test_cancelling_flags_the_citing_items_in_russian(client, nuts_standard, citing_nuts):
    services.document_cancel(actor=SYSTEM_INIT, document=nuts_standard, expected_version=1)
    body = client.get(f"/items/{citing_nuts[0].catalogue_number}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "ГОСТ 5915-70 отменён с" in body.content.decode()


@pytest.mark.parametrize("typed", ["ГОСТ 5915-70", "gost 5915 70", "ГОСТ5915—70", "GOST5915-70"])
def test_the_search_by_number_finds_the_document_and_its_items(
    client, nuts_standard, citing_nuts, typed
):
    response = client.get("/documents/", {"q": typed}, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Hexagon nuts, product grade B" in text
    for item in citing_nuts[:2]:
        assert item.catalogue_number in text
    assert citing_nuts[2].catalogue_number not in text


def test_the_document_page_lists_the_citing_items(client, nuts_standard, citing_nuts):
    text = client.get(f"/documents/{nuts_standard.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    assert citing_nuts[0].catalogue_number in text.decode()


def test_the_register_lists_documents_by_a_start_of_number(client, nuts_standard):
    text = client.get("/documents/", {"q": "ISO"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ISO 4032" in text
    assert "ISO 4014" in text
    assert "ГОСТ 5915-70" not in text


def test_an_unknown_document_page_is_a_404(client):
    assert client.get("/documents/999999/", HTTP_ACCEPT_LANGUAGE="en").status_code == 404


def test_a_restricted_item_cites_nothing_for_an_outsider(client, nuts_standard, citing_nuts):
    Item.objects.filter(pk=citing_nuts[0].pk).update(release="restricted")
    page = selectors.citing_items(nuts_standard, reader=None)
    assert [i.niin for i in page.rows] == [citing_nuts[1].niin]
    body = client.get(f"/api/v1/items/{citing_nuts[0].niin}").json()
    assert body["documents"] == []


def test_init_registers_the_shipped_documents_once(nuts_standard):
    assert load_documents() == 0
    assert NormativeDocument.objects.count() >= len(SHIPPED)
