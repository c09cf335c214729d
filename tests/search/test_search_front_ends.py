"""The same search through the API, the CLI and the search page."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_search_api_returns_hits_facets_cursor_and_interpretation(client, catalogue):
    response = client.get(
        "/api/v1/search",
        {"q": "гайка", "class": "5310", "char": ["THDD:10..12mm", "MATL:steel"], "lang": "ru"},
    )
    assert response.status_code == 200
    body = response.json()
    assert [hit["catalogue_number"] for hit in body["hits"]] == [
        catalogue["nut_m10"].catalogue_number
    ]
    hit = body["hits"][0]
    assert hit["item_name"] == "ГАЙКА ШЕСТИГРАННАЯ"
    assert hit["matched_by"] == "text"
    assert hit["references"] == [
        {"number": "MS21042-L3", "manufacturer": "A001F", "matched": False}
    ]
    assert body["facets"]["class"][0]["value"] == "5310"
    assert body["facets"]["class"][0]["count"] == 1
    # The word, its Snowball stem and its Latin transliteration.
    assert body["interpretation"]["words"] == [["гайка", "гайк", "gayka"]]
    assert body["next_cursor"] is None
    assert body["total"] == 1


@pytest.mark.django_db
def test_search_api_pages_with_the_cursor(client, catalogue):
    first = client.get("/api/v1/search", {"q": "гайка", "limit": 3}).json()
    second = client.get(
        "/api/v1/search", {"q": "гайка", "limit": 3, "after": first["next_cursor"]}
    ).json()
    numbers = [h["catalogue_number"] for h in first["hits"] + second["hits"]]
    assert len(numbers) == len(set(numbers)) == 4
    assert second["next_cursor"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 0}, "INVALID_LIMIT"),
        ({"after": "nonsense"}, "INVALID_CURSOR"),
        ({"sort": "price"}, "INVALID_SORT"),
        ({"char": "MATL:cheese"}, "REPLY_CODE_UNKNOWN"),
    ],
)
def test_search_api_problems(client, catalogue, params, code):
    response = client.get("/api/v1/search", params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code


@pytest.mark.django_db
def test_search_cli_json_and_text(catalogue, capsys):
    call_command("search", "abvg.123-01", "--json")
    page = json.loads(capsys.readouterr().out)
    assert [h["catalogue_number"] for h in page["hits"]] == [catalogue["nut_kz"].catalogue_number]
    assert page["hits"][0]["references"][0] == {
        "number": "АБВГ.123-01",
        "manufacturer": "K0001",
        "matched": True,
    }
    call_command("search", "bolt", "--class", "5306", "--status", "4")
    out = capsys.readouterr().out
    assert catalogue["bolt_02"].catalogue_number in out
    assert catalogue["bolt_01"].catalogue_number not in out


@pytest.mark.django_db
def test_search_page_keeps_the_whole_query_in_links(client, catalogue):
    response = client.get("/search/", {"q": "гайка", "class": "5310", "limit": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'label for="search-q"' in html
    assert 'role="search"' in html
    assert 'name="class" value="5310" checked' in html
    next_href = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    params = parse_qs(urlsplit(next_href).query)
    assert params["q"] == ["гайка"]
    assert params["class"] == ["5310"]
    assert params["limit"] == ["2"]
    assert params["after"]
    export_href = html.split('href="/api/v1/export/items?')[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(export_href) == {
        "format": ["csv"],
        "q": ["гайка"],
        "class": ["5310"],
        "limit": ["2"],
    }
    second = client.get("/search/" + next_href).content.decode()
    first_numbers = {
        catalogue[label].catalogue_number
        for label in ("nut_m10", "nut_locking", "nut_kz", "nut_kz_02")
    }
    shown = {n for n in first_numbers if n in html} | {n for n in first_numbers if n in second}
    assert shown == first_numbers


@pytest.mark.django_db
def test_search_page_sort_links_and_errors(client, catalogue):
    html = client.get("/search/", {"sort": "number"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert "sort=-number" in html
    response = client.get("/search/", {"char": "ZZZZ:1"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "UNKNOWN_CHARACTERISTIC" in html
    assert 'name="char" value="ZZZZ:1"' in html
