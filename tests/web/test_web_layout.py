import pytest

from katalog.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_navigation_skip_link_language_switcher_and_htmx(client):
    text = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for needle in (
        'class="skip" href="#main"',
        'href="/search/"',
        'href="/manufacturers/"',
        'href="/classification/"',
        'href="/item-names/"',
        'href="/classifiers/"',
        'href="/preferences/"',
        'id="lang-select"',
        'for="lang-select"',
        "web/htmx.min.js",
        'id="messages"',
    ):
        assert needle in text, needle


def test_htmx_is_served(client, settings):
    from django.contrib.staticfiles import finders

    path = finders.find("web/htmx.min.js")
    assert path
    with open(path, encoding="utf-8") as script:
        assert "htmx" in script.read(2000)


def test_login_page_and_logging_in(client):
    User.objects.create_user("someone", password="secret-pass-1")
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'for="id_username"' in response.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "someone", "password": "secret-pass-1", "next": "/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_says_so(client):
    response = client.post(
        "/accounts/login/", {"username": "nobody", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_preferences_are_saved_on_the_user(client):
    user = UserFactory(username="prefs")
    client.force_login(user)
    response = client.post(
        "/preferences/", {"language": "kk", "unit_system": "imperial", "expert_mode": "on"}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "kk"
    user.refresh_from_db()
    assert user.unit_system == "imperial"
    assert user.expert_mode is True
    follow = client.get("/preferences/", HTTP_ACCEPT_LANGUAGE="en")
    assert follow.status_code == 200


def test_invalid_preferences_change_nothing(client):
    user = UserFactory(username="prefs2")
    client.force_login(user)
    response = client.post("/preferences/", {"language": "xx", "unit_system": "furlongs"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.unit_system == "metric"
    assert user.expert_mode is False


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/manufacturers/",
        "/classification/",
        "/item-names/",
        "/preferences/",
        "/requests/",
        "/requests/new/",
        "/jobs/",
        "/jobs/import/",
        "/jobs/export/",
        "/search/",
    ],
)
def test_every_page_of_the_navigation_opens_for_a_member(client, path):
    client.force_login(UserFactory(username="member"))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="messages"' in text
    assert 'id="lang-select"' in text


@pytest.mark.parametrize("language", ["ru", "kk", "ky", "hy", "be", "tg", "uz"])
def test_pages_render_in_every_interface_language(client, language):
    response = client.get("/item-names/10101/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
