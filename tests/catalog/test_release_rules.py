"""Release rules: a restricted item shows a reader outside its assigning bureau and registered
users only its number, name and status, on every path; management data is read by its own nation
and the assigning bureau until the nation releases it; anonymous reading is a setting."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from katalog.accounts.tokens import token_create
from katalog.catalog import selectors, services
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.core.errors import AuthenticationRequired
from katalog.screening.services import ReferenceInput, ScreeningInput, screen
from katalog.search.selectors import search, search_query_from_params
from katalog.transfer.exporters import export_items
from tests.api.conftest import TokenClient
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db
SECRET_REFERENCE = "СЕКР.100200.001"


@pytest.fixture
def restricted():
    """An RU item released only to RU and its registered user KZ, with a reference, a value
    and management data of both nations (KZ's released, RU's not)."""
    item = make_item("RU", name_text="ГАЙКА СЕКРЕТНАЯ", release="restricted")
    maker = ManufacturerFactory(code="A901F")
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=maker, number=SECRET_REFERENCE
    )
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"))
    services.management_set(
        actor=SYSTEM_INIT,
        item=item,
        bureau=bureau("RU"),
        price="100",
        currency="RUB",
        notes="our price",
    )
    services.management_set(
        actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"), price="7", currency="KZT", released=True
    )
    return item


@pytest.fixture
def public():
    item = make_item("RU", name_text="ГАЙКА ОТКРЫТАЯ")
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("RU"))
    services.management_set(
        actor=SYSTEM_INIT,
        item=item,
        bureau=bureau("RU"),
        price="5",
        currency="RUB",
        notes="internal",
    )
    return item


def person(key: str):
    return UserFactory(username=f"{key.lower()}-reader", bureau=bureau(key), roles=["viewer"])


def api_as(key: str | None) -> TokenClient:
    if key is None:
        return TokenClient(None)
    user = person(key)
    return TokenClient(token_create(actor=SYSTEM_OPERATOR, user=user, name="t")[1])


@pytest.mark.parametrize(
    ("reader", "full"), [("RU", True), ("KZ", True), ("AM", False), (None, False)]
)
def test_the_item_api_shows_a_restricted_item_in_full_only_to_its_bureau_and_users(
    restricted, reader, full
):
    body = api_as(reader).get(f"/api/v1/items/{restricted.niin}").json()
    assert body["catalogue_number"] == restricted.catalogue_number
    assert body["status"]["code"] == "0"
    assert body["item_name"]["code"] == "10101"
    assert body["restricted"] is (not full)
    assert bool(body["references"]) is full
    assert bool(body["characteristics"]) is full
    assert bool(body["registrations"]) is full
    assert (body["item_name"]["as_received"] == "ГАЙКА СЕКРЕТНАЯ") is full


def test_management_data_is_its_nations_own_until_released(restricted, public):
    def nations(reader, item):
        return {
            m["bureau"]
            for m in api_as(reader).get(f"/api/v1/items/{item.niin}").json()["management"]
        }

    assert nations("RU", restricted) == {"RU", "KZ"}  # the assigning bureau reads all
    assert nations("KZ", restricted) == {"KZ"}  # its own, and RU's is not released
    assert nations("AM", public) == set()  # RU's management data of a public item
    assert nations(None, public) == set()
    refused = api_as("AM").get(f"/api/v1/items/{public.niin}/management/RU")
    assert refused.status_code == 404


def test_sub_resources_and_history_of_a_restricted_item_are_refused_to_others(restricted):
    am = api_as("AM")
    for path in ("references", "registrations", "history"):
        answer = am.get(f"/api/v1/items/{restricted.niin}/{path}")
        assert (answer.status_code, answer.json()["code"]) == (403, "ITEM_RESTRICTED"), path
    assert api_as("KZ").get(f"/api/v1/items/{restricted.niin}/history").status_code == 200


def test_references_of_a_restricted_item_find_nothing_for_others(restricted):
    assert api_as("AM").get(f"/api/v1/references?number={SECRET_REFERENCE}").json() == []
    assert [
        h["catalogue_number"]
        for h in api_as("KZ").get(f"/api/v1/references?number={SECRET_REFERENCE}").json()
    ] == [restricted.catalogue_number]
    assert selectors.items_by_reference(SECRET_REFERENCE, reader=person("AM")) == []


@pytest.mark.parametrize("query", [SECRET_REFERENCE, "СЕКРЕТНАЯ", "A901F"])
def test_search_hits_and_counts_leave_out_restricted_items_for_others(restricted, query):
    def hits(reader):
        page = search(search_query_from_params({"q": query}), lang="en", reader=reader)
        return [h["niin"] for h in page.hits], page.total

    found, total = hits(person("AM"))
    assert restricted.niin not in found
    assert total == len(found)
    assert restricted.niin in hits(person("KZ"))[0]


def test_exports_show_others_the_number_name_and_status_only(restricted):
    def rows(reader):
        out = io.StringIO()
        export_items(out, reader=reader, fmt="jsonl")
        return {r["catalogue_number"]: r for r in map(json.loads, out.getvalue().splitlines())}

    theirs = rows(person("AM"))[restricted.catalogue_number]
    assert (theirs["name"], theirs["identification_type"]) == ("NUT, PLAIN, HEXAGON", "")
    ours = rows(person("RU"))[restricted.catalogue_number]
    assert ours["name"] == "ГАЙКА СЕКРЕТНАЯ"


def test_screening_candidates_of_a_restricted_item_keep_only_the_number(restricted):
    query = ScreeningInput(references=(ReferenceInput(SECRET_REFERENCE, "A901F"),))
    theirs = screen(query, reader=person("AM")).candidates[0]
    assert theirs.catalogue_number == restricted.catalogue_number
    assert theirs.item_name == ""
    assert [e.data for e in theirs.evidence] == [{"code": "RESTRICTED_CANDIDATE"}]
    ours = screen(query, reader=person("KZ")).candidates[0]
    assert any(SECRET_REFERENCE in e.detail for e in ours.evidence)


def test_the_item_page_shows_others_the_summary(restricted, client):
    client.force_login(person("AM"))
    page = client.get(f"/items/{restricted.catalogue_number}/").content.decode()
    assert restricted.catalogue_number in page
    assert SECRET_REFERENCE not in page
    assert "our price" not in page
    client.force_login(person("RU"))
    assert SECRET_REFERENCE in client.get(f"/items/{restricted.catalogue_number}/").content.decode()


def test_without_public_reading_anonymous_readers_are_refused(public, settings):
    settings.PUBLIC_READ = False
    answer = TokenClient(None).get(f"/api/v1/items/{public.niin}")
    assert (answer.status_code, answer.json()["code"]) == (401, "NOT_AUTHENTICATED")
    page = Client().get(f"/items/{public.catalogue_number}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    with pytest.raises(AuthenticationRequired):
        selectors.item_lookup(public.niin, reader=None)
    assert api_as("AM").get(f"/api/v1/items/{public.niin}").status_code == 200


def test_the_release_level_is_changed_by_the_assigning_bureau_only(public):
    ru = UserFactory(username="ru-cat", bureau=bureau("RU"))
    kz = UserFactory(username="kz-cat", bureau=bureau("KZ"))
    services.registration_add(actor=SYSTEM_INIT, item=public, bureau=bureau("KZ"))
    client_kz = TokenClient(token_create(actor=SYSTEM_OPERATOR, user=kz, name="t")[1])
    etag = client_kz.get(f"/api/v1/items/{public.niin}")["ETag"]
    refused = client_kz.patch(
        f"/api/v1/items/{public.niin}", {"release": "restricted"}, headers={"If-Match": etag}
    )
    assert refused.status_code == 403
    client_ru = TokenClient(token_create(actor=SYSTEM_OPERATOR, user=ru, name="t")[1])
    changed = client_ru.patch(
        f"/api/v1/items/{public.niin}", {"release": "restricted"}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["release"] == "restricted"
    assert api_as("AM").get(f"/api/v1/items/{public.niin}").json()["restricted"] is True


def test_job_outputs_follow_the_release_rules_of_their_person(restricted, tmp_path, monkeypatch):
    """An export job and a screening job read as the person who started them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from katalog.jobs.models import JobState
    from katalog.jobs.selectors import job_file_path
    from katalog.jobs.services import job_execute, job_submit

    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))
    parts = f"reference_number;manufacturer_code\n{SECRET_REFERENCE};A901F\n".encode()
    outputs = {}
    for key in ("AM", "RU"):
        reader = person(key)
        export = job_submit(actor=reader, kind="export-items", params={"format": "csv"})
        screening = job_submit(actor=reader, kind="screening", upload=SimpleUploadedFile("p.csv", parts),
                               filename="p.csv", params={"lang": "en"})  # fmt: skip
        done = [job_execute(job.pk) for job in (export, screening)]
        assert [job.state for job in done] == [JobState.SUCCEEDED, JobState.SUCCEEDED]
        outputs[key] = [
            job_file_path(job, "result").read_text(encoding="utf-8-sig") for job in done
        ]
    assert "ГАЙКА СЕКРЕТНАЯ" not in outputs["AM"][0]
    assert "ГАЙКА СЕКРЕТНАЯ" in outputs["RU"][0]
    assert restricted.catalogue_number in outputs["AM"][1]
    assert SECRET_REFERENCE not in outputs["AM"][1].split("\n", 2)[-1]  # only the line's own input
    assert SECRET_REFERENCE in outputs["RU"][1]
