"""What an attacker types: SQL and LIKE metacharacters in search and every filter, script in every
text field, formula cells, deeply nested JSON, XML with entity expansion, path traversal in file
names, NUL bytes and invalid encodings. Each ends with a clear refusal or a harmless answer, never
a server error, and changes nothing it should not."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from katalog.catalog.models import Item
from katalog.jobs.models import Job
from katalog.jobs.storage import jobs_dir
from katalog.search.selectors import PARAM_FIELDS
from tests.api.conftest import TokenClient
from tests.hostile.conftest import World, table_digest

INJECTIONS = [
    "' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE catalog_item; --", "%", "_", "%%_%", "\\", "*",
    "') UNION SELECT username, password FROM accounts_user --", "$(rm -rf /)", "{{7*7}}",
    "<script>alert(1)</script>", "ＡＢＣ\u202e", "x" * 5000, "\u0000", "[]", "{}", "..", "../../etc/passwd",
]  # fmt: skip
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def owner_api(world: World) -> TokenClient:
    return TokenClient(world.tokens["owner"])


@pytest.mark.parametrize("text", INJECTIONS)
def test_search_and_every_filter_take_any_text_harmlessly(world, tally, text):
    before = table_digest()
    client = Client()
    all_items = Item.objects.count()
    for name in ("q", *PARAM_FIELDS):
        for url in ("/api/v1/search", "/search/", "/api/v1/export/items"):
            answer = client.get(
                url, {name: text, "format": "csv"} if "export" in url else {name: text}
            )
            tally.record(
                f"GET {url}?{name}=…", answer.status_code, False, success_is_acceptance=False
            )
            assert answer.status_code in (200, 400, 422), (url, name, text, answer.status_code)
            if url == "/api/v1/search" and answer.status_code == 200:
                assert answer.json()["total"] <= all_items
    for url in ("/api/v1/references", "/api/v1/manufacturers"):
        answer = client.get(url, {"number": text, "q": text})
        assert answer.status_code in (200, 400, 422)
    assert table_digest() == before


def test_script_in_every_text_field_is_shown_as_text(world, owner_api):
    number = world.item.catalogue_number
    etag = owner_api.get(f"/api/v1/items/{number}")["ETag"]
    changed = owner_api.patch(
        f"/api/v1/items/{number}", {"name_text": SCRIPT[:200]}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.content
    made = owner_api.post("/api/v1/manufacturers", {"code": "A903F", "names": {"ru": SCRIPT}, "country": "RU",
                                                      "address": SCRIPT})  # fmt: skip
    assert made.status_code == 201, made.content
    request = owner_api.post("/api/v1/requests", {"title": SCRIPT[:200]})
    assert request.status_code == 201, request.content
    client = Client()
    client.force_login(world.users["owner"])
    for url in (f"/items/{number}/?mode=expert", "/manufacturers/A903F/", "/search/?" + urlencode({"q": SCRIPT}),
                f"/requests/{request.json()['id']}/", "/requests/"):  # fmt: skip
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", ""), url
        assert "&lt;script&gt;" in page, url


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[" * 10_000 + "]" * 10_000, "application/json"),
        ('{"supply_class": ' * 3000 + '"5310"' + "}" * 3000, "application/json"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<lolz>&lol2;</lolz>",
            "application/xml",
        ),
        ("\xff\xfe\x00b\x00a\x00d", "application/json"),
        (
            '{"supply_class": "5310", "item_name": "10101", "name_text": "\\u0000"}',
            "application/json",
        ),
        ("not json at all", "application/json"),
    ],
)
def test_malformed_bodies_are_refused_clearly_and_change_nothing(
    world, owner_api, tally, body, content_type
):
    before = table_digest()
    answer = owner_api.client.post(
        "/api/v1/items",
        data=body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['owner']}",
    )
    tally.record("POST /api/v1/items (malformed)", answer.status_code, table_digest() != before)
    assert answer.status_code in (400, 413, 415, 422), answer.content[:200]
    assert answer["Content-Type"] == "application/problem+json"
    assert table_digest() == before


@pytest.mark.parametrize("field", ["number", "manufacturer"])
def test_nul_bytes_in_fields_are_refused(world, owner_api, field):
    number = world.item.catalogue_number
    etag = owner_api.get(f"/api/v1/items/{number}")["ETag"]
    body = {"number": "NUL-1", "manufacturer": "A901F", field: "AB\u0000CD"}
    before = table_digest()
    answer = owner_api.post(f"/api/v1/items/{number}/references", body, headers={"If-Match": etag})
    assert answer.status_code == 422, answer.content
    assert table_digest() == before


def test_a_file_name_with_path_traversal_stays_inside_the_job_directory(
    world, owner_api, tmp_path, monkeypatch
):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))
    upload = SimpleUploadedFile("../../../../tmp/evil.csv", b"catalogue_number;item_name_code\n")
    answer = owner_api.client.post(
        "/api/v1/jobs",
        {"kind": "import-items", "file": upload},
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['owner']}",
    )
    assert answer.status_code == 202, answer.content
    job = Job.objects.get(pk=answer.json()["id"])
    stored = (jobs_dir() / job.input_file).resolve()
    assert stored.is_relative_to((tmp_path / "jobs").resolve())
    assert stored.name.startswith("input")
    assert not Path("/tmp/evil.csv").exists()  # noqa: S108 (the path the upload tried to reach)


def test_formula_cells_never_reach_a_result_file_as_formulas(world, owner_api):
    """An export of an item whose name is a formula: the cell is text in CSV and XLSX."""
    number = world.item.catalogue_number
    etag = owner_api.get(f"/api/v1/items/{number}")["ETag"]
    owner_api.patch(
        f"/api/v1/items/{number}",
        {"name_text": '=HYPERLINK("http://x","y")'},
        headers={"If-Match": etag},
    )
    csv_text = b"".join(owner_api.get("/api/v1/export/items?format=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text
    assert ",=HYPERLINK" not in csv_text
