"""The Klass API's parameters and errors, in the process (the client test runs a server)."""

from __future__ import annotations

import csv
import io

import pytest

from katalog.api.klass.params import CodeSelection, presentation_name
from katalog.classifiers.models import Classification, Version

K = "/api/klass/v1"


def cid(slug: str) -> int:
    return Classification.objects.get(slug=slug).pk


def codes_at(client, slug: str, date: str, **query):
    headers = {k: query.pop(k) for k in list(query) if k.startswith("HTTP_")}
    return client.get(
        f"{K}/classifications/{cid(slug)}/codesAt", {"date": date, **query}, **headers
    )


@pytest.mark.django_db
def test_select_codes_takes_codes_prefixes_and_ranges_with_or_without_dots(client):
    body = codes_at(client, "nace", "2020-06-01", selectCodes="4661, 01*,2511-2520").json()
    codes = [c["code"] for c in body["codes"]]
    assert "46.61" in codes
    assert all(
        c.startswith("01") or c == "46.61" or "2511" <= c.replace(".", "") < "2521" for c in codes
    )
    assert {"01", "01.1", "01.11", "25.11", "25.2"} <= set(codes)
    assert "25.3" not in codes
    assert codes == sorted(codes)  # Klass sorts by code


@pytest.mark.parametrize(
    ("pattern", "code", "matches"),
    [
        ("3004", "3004", True),
        ("3004-3400", "3400", True),
        ("3004-3400", "3401", False),
        ("3004-34*", "3499", True),
        ("3004-34*", "3500", False),
        ("11*", "11.07", True),
        ("4661", "46.61", True),
    ],
)
def test_select_codes_patterns_follow_klass(rf, pattern, code, matches):
    from katalog.api.klass.params import select_codes_param

    selection = select_codes_param(rf.get("/", {"selectCodes": pattern}))
    assert isinstance(selection, CodeSelection)
    assert selection.matches(code) is matches


@pytest.mark.django_db
def test_bad_parameters_are_400_problems(client):
    cases = [
        ({"date": "2020-13-01"}, "KLASS_PARAMETER_INVALID"),
        ({}, "KLASS_PARAMETER_MISSING"),
        ({"date": "2020-01-01", "selectCodes": "01;02"}, "KLASS_SELECT_CODES_INVALID"),
        ({"date": "2020-01-01", "language": "xx"}, "KLASS_LANGUAGE_UNKNOWN"),
        ({"date": "2020-01-01", "csvSeparator": ";;"}, "KLASS_CSV_SEPARATOR_INVALID"),
    ]
    for query, code in cases:
        response = client.get(f"{K}/classifications/{cid('isic')}/codesAt", query)
        assert (response.status_code, response.json()["code"]) == (400, code), query
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_not_found_and_unknown_dates(client):
    assert client.get(f"{K}/classifications/999999").json()["code"] == "CLASSIFICATION_NOT_FOUND"
    response = codes_at(client, "isic", "1999-01-01")
    assert (response.status_code, response.json()["code"]) == (404, "NO_VERSION_AT_DATE")
    response = codes_at(client, "okved", "2014-02-01")  # known as published on 2023-12-01
    assert (response.status_code, response.json()["code"]) == (422, "VERSION_HISTORY_UNKNOWN")
    assert response.json()["known_from"] == "2023-12-01"
    assert codes_at(client, "okved", "2024-01-01").status_code == 200
    assert client.get(f"{K}/nothing/here").status_code == 404
    assert client.post(f"{K}/classifications").status_code == 405


@pytest.mark.django_db
def test_csv_with_separator_fields_and_one_line_notes(client):
    response = codes_at(
        client, "oked", "2024-01-01", selectCodes="01", csvSeparator=";",
        csvFields="name,code,notes",
        HTTP_ACCEPT="text/csv",
    )  # fmt: skip
    assert response["Content-Type"] == "text/csv; charset=UTF-8"
    [row] = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))[1:]
    assert row[1] == "01"
    assert row[0].startswith("Растениеводство")
    assert "\n" not in row[2]
    assert len(row[2]) > 100
    response = codes_at(
        client, "oked", "2024-01-01", csvFields="code,nonsense", HTTP_ACCEPT="text/csv"
    )
    assert response.json()["code"] == "KLASS_CSV_FIELDS_INVALID"


@pytest.mark.django_db
def test_language_takes_katalogs_languages_with_the_russian_fallback(client):
    ru = codes_at(client, "okved", "2024-01-01", selectCodes="2540", language="ru").json()
    kk = codes_at(client, "okved", "2024-01-01", selectCodes="2540", language="kk").json()
    nb = codes_at(client, "okved", "2024-01-01", selectCodes="2540").json()
    assert ru == kk == nb
    en = codes_at(client, "isic", "2020-01-01", selectCodes="0111", language="en").json()
    ar = codes_at(client, "isic", "2020-01-01", selectCodes="0111", language="ar").json()
    assert en["codes"][0]["name"].startswith("Growing of cereals")
    assert ar["codes"][0]["name"] != en["codes"][0]["name"]


def test_presentation_names():
    assert presentation_name("{code} - {uppercase(name)}", "0101", "Halden") == "0101 - HALDEN"
    assert presentation_name("{name} {code}", "0101", "Halden") == "Halden 0101"
    assert presentation_name("{capitalize(name)}", "A", "halden") == "Halden"
    assert presentation_name(None, "A", "b") == ""


@pytest.mark.django_db
def test_versions_say_what_is_known_of_their_history(client):
    okved2 = Version.objects.get(slug="okved2")
    body = client.get(f"{K}/versions/{okved2.pk}").json()
    assert (body["history"], body["asPublishedOn"], body["knownFrom"]) == (
        "as_published",
        "2023-12-01",
        "2023-12-01",
    )
    assert "2023-12-01" in body["historyNote"]
    assert "validTo" not in body
    assert body["validFrom"] == "2014-02-01"
    isic4 = client.get(f"{K}/versions/{Version.objects.get(slug='isic4').pk}").json()
    assert (isic4["validTo"], isic4["history"], isic4["knownFrom"]) == (
        "2024-01-01",
        "complete",
        "2008-01-01",
    )
    csv_body = client.get(f"{K}/versions/{okved2.pk}", HTTP_ACCEPT="text/csv").content.decode()
    assert (
        csv_body.splitlines()[0]
        == '"code","parentCode","level","name","shortName","notes","validFrom","validTo"'
    )
    assert len(csv_body.splitlines()) == okved2.items.count() + 1


@pytest.mark.django_db
def test_the_doubled_slash_of_the_python_client_reaches_the_sections(client):
    body = client.get(f"{K}//ssbsections", HTTP_ACCEPT_LANGUAGE="en").json()
    names = [s["name"] for s in body["_embedded"]["ssbSections"]]
    assert "UNSD - United Nations Statistics Division" in names
