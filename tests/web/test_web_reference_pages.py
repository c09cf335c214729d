import pytest

from katalog.catalog.models import Manufacturer
from tests.factories import ManufacturerFactory

pytestmark = pytest.mark.django_db


def page(client, path, **params):
    response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


def test_manufacturer_list_filters_by_code_prefix_and_pages_by_key(client):
    for code in ("A100F", "A101F", "A102F", "B200F"):
        ManufacturerFactory(code=code)
    response, text = page(client, "/manufacturers/", prefix="a10")
    assert response.status_code == 200
    assert "/manufacturers/A101F/" in text
    assert "/manufacturers/B200F/" not in text
    response, text = page(client, "/manufacturers/", prefix="A10", after="A100F")
    assert "/manufacturers/A100F/" not in text
    assert "/manufacturers/A101F/" in text


def test_manufacturer_list_offers_a_next_page_only_when_there_is_one(client, monkeypatch):
    from katalog.core import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for code in ("A100F", "A101F", "A102F"):
        ManufacturerFactory(code=code)
    _, text = page(client, "/manufacturers/", prefix="A10")
    assert 'rel="next"' in text
    assert "after=A101F" in text
    _, text = page(client, "/manufacturers/", prefix="A10", after="A101F")
    assert "/manufacturers/A102F/" in text
    assert 'rel="next"' not in text


def test_manufacturer_page_lists_its_items_and_marks_a_missing_translation(client, nut):
    response, text = page(client, "/manufacturers/A777F/")
    assert response.status_code == 200
    assert nut.catalogue_number in text
    assert "Завод крепежа" in text
    assert 'class="lang-badge"' in text
    assert ">ru</abbr>" in text


def test_unknown_manufacturer_is_a_404_with_a_message(client):
    response, text = page(client, "/manufacturers/ZZZZZ/")
    assert response.status_code == 404
    assert "MANUFACTURER_NOT_FOUND" in text
    assert 'role="alert"' in text
    assert not Manufacturer.objects.filter(code="ZZZZZ").exists()


def test_classification_goes_from_groups_to_classes_to_item_names(client):
    response, text = page(client, "/classification/")
    assert response.status_code == 200
    assert "/classification/groups/53/" in text
    response, text = page(client, "/classification/groups/53/")
    assert response.status_code == 200
    assert "/classification/classes/5310/" in text
    response, text = page(client, "/classification/classes/5310/")
    assert response.status_code == 200
    assert "NUT, PLAIN, HEXAGON" in text
    assert "/item-names/10101/" in text
    assert "BOLT, MACHINE" not in text  # allowed in 5306, not 5310


def test_unknown_supply_class_is_a_404(client):
    response, text = page(client, "/classification/classes/0000/")
    assert response.status_code == 404
    assert "SUPPLY_CLASS_NOT_FOUND" in text


def test_item_name_dictionary_finds_names_in_any_language(client):
    _, text = page(client, "/item-names/", q="гайка")
    assert "10101" in text
    assert "20101" not in text
    _, text = page(client, "/item-names/", q="102")
    assert "10201" in text
    assert "10101" not in text


def test_item_name_page_shows_definition_guide_and_synonyms(client):
    response, text = page(client, "/item-names/10101/", mode="expert")
    assert response.status_code == 200
    assert "A plain internally threaded hexagon-shaped fastener." in text
    assert "THDD" in text
    assert "thread nominal diameter" in text
    assert "/classification/classes/5310/" in text


def test_item_name_page_in_plain_mode_hides_characteristic_codes(client):
    _, text = page(client, "/item-names/10101/", mode="plain")
    assert "thread nominal diameter" in text
    assert "<td>THDD</td>" not in text
