"""A list of part numbers pasted into the search box is offered to the parts-list screening,
prefilled; a long search goes by POST; the search box and the list have limits."""

import re
from html import unescape

import pytest

from katalog.catalog import services as catalog
from katalog.core.actors import SYSTEM_INIT
from katalog.web.views.screening import LIST_MAX, pasted_list
from katalog.web.views.search import Q_MAX
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

NUMBERS = [f"MS35338-{n}" for n in range(1, 121)]


@pytest.fixture
def cataloguer(db):
    return UserFactory(username="ru-cataloguer", bureau=bureau("RU"))


@pytest.fixture
def known(db):
    item = make_item()
    maker = ManufacturerFactory(code="96906")
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="MS35338-44")
    return item


def test_a_pasted_list_is_recognised_and_a_search_is_not():
    assert pasted_list("; ".join(NUMBERS)) == NUMBERS
    assert pasted_list("\n".join(NUMBERS[:3])) == NUMBERS[:3]
    assert pasted_list(" ".join(NUMBERS[:12])) == NUMBERS[:12]
    assert pasted_list("гайка M12 DIN 934") == []
    assert pasted_list("болт; гайка; шайба") == []
    assert pasted_list("MS35338-44") == []


def test_120_pasted_part_numbers_are_offered_for_screening_not_refused(client):
    q = "; ".join(NUMBERS)
    response = client.post("/search/", {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
    text = unescape(response.content.decode())
    assert response.status_code == 200
    assert "This looks like a list of 120 part numbers" in text
    offer = re.search(r'<form method="post" action="/screening/list/".*?</form>', text, re.S)
    assert offer is not None
    assert "\n".join(NUMBERS) in offer.group(0)


def test_the_search_form_goes_by_post_when_long_and_shows_its_limit(client):
    text = client.get("/search/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-post-when-longer="1500"' in text
    assert f'maxlength="{Q_MAX}"' in text
    assert "data-list-paste" in text


def test_a_search_sent_by_post_answers_as_by_get(client, known):
    by_get = client.get("/search/", {"q": "MS35338-44"}, HTTP_ACCEPT_LANGUAGE="en")
    by_post = client.post("/search/", {"q": "MS35338-44"}, HTTP_ACCEPT_LANGUAGE="en")
    assert by_post.status_code == by_get.status_code == 200
    assert known.catalogue_number in by_post.content.decode()
    assert known.catalogue_number in by_get.content.decode()


def test_a_search_over_its_limit_is_refused_in_words(client):
    response = client.post("/search/", {"q": "x" * (Q_MAX + 1)}, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 422
    assert "At most 10000 characters" in text or "At most 10,000 characters" in text


def test_the_screening_page_comes_prefilled_and_screens_each_line(client, cataloguer, known):
    client.force_login(cataloguer)
    numbers = "MS35338-44\nZZ-NOT-KNOWN-1\n"
    prefilled = client.post("/screening/list/", {"numbers": numbers}, HTTP_ACCEPT_LANGUAGE="en")
    text = unescape(prefilled.content.decode())
    assert prefilled.status_code == 200
    assert f">{numbers}</textarea>" in text
    screened = client.post(
        "/screening/list/", {"numbers": numbers, "screen": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = unescape(screened.content.decode())
    assert screened.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>(.*?)</tr>", text, re.S)
    assert [(n, line) for n, line, _rest in rows] == [("1", "MS35338-44"), ("2", "ZZ-NOT-KNOWN-1")]
    assert known.catalogue_number in rows[0][2]
    assert "no duplicate found" in rows[1][2]


def test_a_list_over_its_limit_is_refused_on_the_form_as_typed(client, cataloguer):
    client.force_login(cataloguer)
    numbers = "\n".join(f"N-{n}" for n in range(LIST_MAX + 1))
    response = client.post(
        "/screening/list/", {"numbers": numbers, "screen": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = unescape(response.content.decode())
    assert response.status_code == 422
    assert f"At most {LIST_MAX} lines are screened at once; this list has {LIST_MAX + 1}" in text
    assert f">{numbers}</textarea>" in text
