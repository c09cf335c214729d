"""Each page has a title of its own in every interface language."""

import re

import pytest

pytestmark = pytest.mark.django_db

LANGUAGES = ("ru", "en", "kk", "ky", "hy", "be", "tg", "uz")


def title(client, path: str, language: str) -> str:
    page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found, path
    return found.group(1).strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_and_search_do_not_share_a_title(client, language):
    assert title(client, "/", language) != title(client, "/search/", language)
