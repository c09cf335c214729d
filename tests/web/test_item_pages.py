import pytest

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, make_item


@pytest.mark.django_db
def test_lookup_by_reference_opens_the_item_page(client):
    item = make_item()
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=ManufacturerFactory(), number="АВС-77"
    )
    response = client.get("/", {"q": "abc 77"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == f"/items/{item.catalogue_number}/"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert item.catalogue_number in text
    assert "ГАЙКА ШЕСТИГРАННАЯ" in text
    assert "АВС-77" in text


@pytest.mark.django_db
def test_invalid_number_on_the_page_says_which_part(client):
    response = client.get("/", {"q": "6730-LS-CRE-EN"})
    assert response.status_code == 422
    assert "INVALID_CATALOGUE_NUMBER" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["гайка", "nut", "bearing"])
def test_a_word_in_the_home_box_goes_to_the_search_results(client, word):
    make_item()
    response = client.get("/", {"q": word}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"].startswith("/search/?q=")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    assert "ITEM_NOT_FOUND" not in page.content.decode()
