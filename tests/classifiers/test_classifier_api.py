"""The Klass-style API under /api/v1/classifications and the server-rendered pages."""

from __future__ import annotations

import csv
import io

import pytest

API = "/api/v1/classifications"


@pytest.mark.django_db
def test_list_of_classifications_with_versions(client):
    body = client.get(API, {"language": "en"}).json()
    isic = next(c for c in body if c["slug"] == "isic")
    assert [(v["slug"], v["valid_from"], v["valid_to"]) for v in isic["versions"]] == [
        ("isic4", "2008-01-01", "2023-12-31"),
        ("isic5", "2024-01-01", None),
    ]
    assert {c["slug"] for c in body} == {
        *("isic", "nace", "okved", "oked", "gked", "mkved"),
        "eu-dual-use",
    }


@pytest.mark.django_db
def test_codes_at_a_date_in_json_and_csv(client):
    body = client.get(f"{API}/isic/codes", {"date": "2020-06-01", "level": "section"}).json()
    assert [c["code"] for c in body][:3] == ["A", "B", "C"]
    assert {c["version"] for c in body} == {"isic4"}
    response = client.get(
        f"{API}/isic/codes", {"date": "2024-06-01", "level": "section"}, HTTP_ACCEPT="text/csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 22
    assert rows[0]["version"] == "isic5"


@pytest.mark.django_db
def test_code_with_path_and_children(client):
    body = client.get(f"{API}/okved2/codes/25.40").json()
    assert [p["code"] for p in body["path"]] == ["C", "25", "25.4", "25.40"]
    assert body["name"] == "Производство оружия и боеприпасов"
    assert body["children"] == []


@pytest.mark.django_db
def test_changes_between_dates(client):
    body = client.get(f"{API}/isic/changes", {"from": "2020-01-01", "to": "2025-01-01"}).json()
    assert (body["source"], body["target"], body["table"]) == ("isic4", "isic5", "isic4-isic5")
    assert body["counts"] == {"new": 130, "removed": 66, "renamed": 165, "split": 116, "merged": 54}


@pytest.mark.django_db
def test_correspondence_with_route_and_kinds(client):
    body = client.get(f"{API}/okved/correspondences", {"code": "03.11", "target": "isic5"}).json()
    assert [(s["table"], s["kind"]) for s in body["route"]] == [
        ("okved2-nace2", "derived"),
        ("nace2-isic4", "official"),
        ("isic4-isic5", "official"),
    ]
    # By default the best-supported target only: ISIC Rev.5 0311 has the code and the title
    # ("Marine fishing") of the NACE twin of OKVED2 03.11.
    assert [(m["code"], m["support"], m["confidence"]) for m in body["matches"]] == [
        ("0311", "identity", 1.0)
    ]
    assert (body["shown"], body["total"]) == (1, 2)
    body = client.get(
        f"{API}/okved/correspondences", {"code": "03.11", "target": "isic5", "all": "true"}
    ).json()
    assert [(m["code"], m["support"], m["confidence"]) for m in body["matches"]] == [
        ("0311", "identity", 1.0),
        ("0330", "partial", 0.5),
    ]
    assert [(h["kind"], h["link"], h["basis"]) for h in body["matches"][1]["chain"]] == [
        ("derived", "full", "identity"),
        ("official", "full", "fan_out"),
        ("official", "partial", "fan_out"),
    ]


@pytest.mark.django_db
def test_search_latin_finds_cyrillic(client):
    body = client.get(f"{API}/search", {"q": "obrazovanie vysshee bakalavriat"}).json()
    assert [(c["version"], c["code"]) for c in body] == [("okved2", "85.22.1")]


@pytest.mark.django_db
def test_unknown_version_is_a_problem_json_404(client):
    response = client.get(f"{API}/isic9/codes")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "VERSION_NOT_FOUND"
    response = client.get(f"{API}/isic/codes", {"date": "1999-01-01"})
    assert (response.status_code, response.json()["code"]) == (404, "NO_VERSION_AT_DATE")


@pytest.mark.django_db
def test_exports_and_findings(client):
    response = client.get(f"{API}/oked2019/export", {"format": "json"})
    rows = response.json()
    assert next(r for r in rows if r["code"] == "27120")["parent"] == ""
    response = client.get(f"{API}/tables/nace2-isic4/export", {"format": "csv"})
    assert response.content.decode().splitlines()[0] == (
        "source_code,source_title,target_code,target_title,kind,notes"
    )
    assert client.get(f"{API}/isic4/export", {"format": "pdf"}).status_code == 422
    findings = client.get(f"{API}/findings").json()
    assert findings[0]["item_code"] == "27120"
    assert findings[0]["code"] == "PARENT_MISSING"


@pytest.mark.django_db
def test_manufacturers_endpoint(client, make_manufacturer):
    from katalog.classifiers import services

    services.manufacturer_activities_set(
        manufacturer=make_manufacturer("K0002", "KZ", "Astana Arms"), primary="25400"
    )
    body = client.get(f"{API}/manufacturers", {"code": "2520", "classification": "isic4"}).json()
    assert [(m["manufacturer"], m["version"], m["code"]) for m in body] == [
        ("K0002", "oked2019", "25400")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/classifiers/",
        "/classifiers/oked2019/",
        "/classifiers/okved2/25.40/",
        "/classifiers/search/?q=stali",
        "/classifiers/correspond/?version=okved2&code=03.11&target=isic5",
        "/classifiers/changes/?from=isic4&to=isic5",
    ],
)
@pytest.mark.django_db
def test_pages_render(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_page_errors_keep_their_status(client):
    response = client.get("/classifiers/okved2/99.99/")
    assert response.status_code == 404
    assert "CODE_NOT_FOUND" in response.content.decode()


@pytest.mark.django_db
def test_titles_missing_in_kazakh_show_in_russian_with_the_fallback_badge(client):
    page = client.get("/classifiers/oked2019/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert '<abbr class="lang-badge"' in page
    assert ">ru</abbr>" in page
    body = client.get(f"{API}/oked2019/codes/01", {"language": "kk"}).json()
    assert body["name"] == body["names"]["ru"]
    assert "kk" not in body["names"]
