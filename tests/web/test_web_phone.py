"""Layout rules that keep pages readable on a narrow screen."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_a_catalogue_number_never_breaks_at_its_hyphens(client, nut):
    page = client.get(f"/items/{nut.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f'<span class="nsn">{nut.catalogue_number}</span>' in page
    with open(finders.find("web/katalog.css"), encoding="utf-8") as css:
        rule = re.search(r"\.nsn\s*\{([^}]*)\}", css.read())
    assert rule
    assert "white-space:nowrap" in rule.group(1).replace(" ", "")


def test_the_search_filters_fold_behind_a_button(client):
    page = client.get("/search/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    fold = re.search(r"<details[^>]*data-fold-narrow[^>]*>(.*?)</details>", page, re.S)
    assert fold
    assert "<summary>" in fold.group(1)
    assert 'name="char"' in fold.group(1)
    assert 'class="search-box"' in page


def test_every_facet_applies_when_ticked(client, nut):
    page = client.get("/search/", {"q": "гайка"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*>', page)
    assert boxes
    assert all("data-autosubmit" in box for box in boxes)
