import pytest

from katalog.core.actors import SYSTEM_INIT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_item_page_plain_mode_speaks_in_words(client, nut):
    response = client.get(
        f"/items/{nut.catalogue_number}/", {"mode": "plain"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "NUT, PLAIN, HEXAGON" in text
    assert "<td>THDD</td>" not in text
    assert "thread nominal diameter" in text
    assert "10 mm" in text
    assert "АВС-77" in text
    assert "/manufacturers/A777F/" in text


def test_item_page_expert_mode_shows_codes(client, nut):
    text = client.get(
        f"/items/{nut.catalogue_number}/", {"mode": "expert"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "<td>THDD</td>" in text
    assert "<abbr" in text


def test_expert_mode_of_the_user_is_used_without_a_query_flag(client, nut):
    client.force_login(UserFactory(username="expert", expert_mode=True))
    text = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>THDD</td>" in text


def test_anonymous_mode_choice_is_kept_for_the_visit(client, nut):
    client.get(f"/items/{nut.catalogue_number}/", {"mode": "expert"})
    text = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>THDD</td>" in text


def test_imperial_reader_sees_inches(client, nut):
    client.force_login(UserFactory(username="imperial", unit_system="imperial"))
    text = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0.393701 in" in text
    assert "10 mm" not in text.split('<h2 id="refs"')[0].split('<h2 id="chars"')[1]


def test_numbers_follow_the_page_language(client, nut):
    client.force_login(UserFactory(username="imperial-ru", unit_system="imperial"))
    text = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "0,393701" in text


def test_unknown_item_is_a_404_with_a_message(client):
    response = client.get("/items/5310-57-999-9999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "ITEM_NOT_FOUND" in response.content.decode()


def test_item_page_shows_the_history(client, nut):
    text = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    history = text.split('id="hist"')[1]
    assert "<td>" in history
    assert "none" not in history.split("</table>")[0]


def test_dates_follow_the_page_language(client, nut):
    from katalog.catalog import services

    services.registration_add(actor=SYSTEM_INIT, item=nut, bureau=nut.bureau)
    text = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    registrations = text.split('id="regs"')[1].split("</ul>")[0]
    assert " г." in registrations or "г." in registrations


def test_a_manufacturer_name_without_translation_is_marked(client, nut):
    text = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    references = text.split('id="refs"')[1].split("</table>")[0]
    assert "Завод крепежа" in references
    assert '<abbr class="lang-badge"' in references
