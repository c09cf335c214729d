"""The nomenclature-reduction pages and API: a run started from the page or the API, its
figures and charts, its groups with the item proposed to keep, the workbook, and cancelling a
member of a group as a duplicate of the kept item from the page."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from katalog.accounts.tokens import token_create
from katalog.catalog import services
from katalog.catalog.models import Item, ItemStatus
from katalog.codification.models import CancellationProposal
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.jobs.models import Job, JobState
from katalog.jobs.services import job_execute
from tests.factories import UserFactory, bureau, make_item
from tests.svg import charts, full_labels

pytestmark = pytest.mark.django_db

NUT = {"THDD": "10 mm", "THDP": "1.5 mm", "MATL": "STL", "WDAF": "17 mm"}


@pytest.fixture(autouse=True)
def jobs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))


def nut(users=(), **values):
    item = make_item("RU")
    for code, raw in {**NUT, **values}.items():
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code=code, raw=raw)
    for key in users:
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(key))
    return Item.objects.get(pk=item.pk)


@pytest.fixture
def pair():
    """The same nut under two numbers; the second has a user and is kept."""
    return nut(), nut(users=["RU"], WDAF="17.1 mm")


@pytest.fixture
def person():
    return UserFactory(username="ru-reducer", bureau=bureau("RU"))


@pytest.fixture
def client_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def started(client: Client) -> Job:
    response = client.post("/quality/reduction/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302, response.content
    job = Job.objects.get()
    assert response["Location"] == f"/quality/reduction/{job.pk}/"
    done = job_execute(job.pk)
    assert done.state == JobState.SUCCEEDED, done.message
    return done


def test_a_run_started_from_the_page_shows_its_figures_charts_and_groups(client_in, pair):
    job = started(client_in)
    page = client_in.get(f"/quality/reduction/{job.pk}/?section=same_characteristics",
                         HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert page.status_code == 200
    html = page.content.decode()
    found = charts(html)
    assert set(found) == {"chart-sections", "chart-groups", "chart-bureaus"}
    assert full_labels(found["chart-sections"])[:2] == [
        "Probable duplicates across bureaus",
        "Same item name and key characteristics",
    ]
    assert f'Proposed to keep: <a href="/items/{pair[1].catalogue_number}/">' in html
    assert "Most user registrations: 1 against 0" in html
    assert f"Propose cancelling as a duplicate of {pair[1].catalogue_number}" in html
    listed = client_in.get("/quality/reduction/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/quality/reduction/{job.pk}/"' in listed


def test_the_workbook_downloads_from_the_run(client_in, pair):
    job = started(client_in)
    response = client_in.get(f"/jobs/{job.pk}/result/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book["Same characteristics"].iter_rows(values_only=True))
    assert {row[3] for row in rows[1:]} == {i.catalogue_number for i in pair}


def test_acting_on_a_group_proposes_cancelling_the_member_as_a_duplicate(client_in, pair):
    job = started(client_in)
    group = job_group(job)
    response = client_in.post(
        f"/quality/reduction/{job.pk}/groups/{group}/cancel/",
        {"item": pair[0].niin, "kept": pair[1].niin},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302, response.content
    assert Item.objects.get(pk=pair[0].pk).status == ItemStatus.ACTIVE
    proposal = CancellationProposal.objects.get()
    assert (proposal.item_id, proposal.kept_id) == (pair[0].pk, pair[1].pk)
    page = client_in.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "whose approver decides" in page
    listed = client_in.get("/cancellations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Cancel {pair[0].catalogue_number} as a duplicate of" in listed


def test_another_bureau_proposes_but_does_not_cancel_a_member(pair, person):
    job = started(_logged_in(person))
    outsider = UserFactory(username="kz-reducer", bureau=bureau("KZ"))
    client = _logged_in(outsider)
    url = f"/quality/reduction/{job.pk}/groups/{job_group(job)}/cancel/"
    assert client.post(url, {"item": pair[0].niin}).status_code == 404  # another person's run
    Job.objects.all().delete()
    own = started(client)  # the outsider's own run sees the same public items
    response = client.post(
        f"/quality/reduction/{own.pk}/groups/{job_group(own)}/cancel/", {"item": pair[0].niin}
    )
    # Another bureau may propose; only the assigning bureau's approver cancels.
    assert response.status_code == 302
    assert CancellationProposal.objects.get().proposing_bureau.key == "KZ"
    assert Item.objects.get(pk=pair[0].pk).status == ItemStatus.ACTIVE


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def job_group(job: Job) -> int:
    from katalog.quality.models import ReductionCluster

    return ReductionCluster.objects.get(report_id=job.pk, section="same_characteristics").pk


def test_the_api_starts_a_run_and_gives_its_figures(pair, person):
    _record, token = token_create(actor=SYSTEM_OPERATOR, user=person, name="tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    response = client.post(
        "/api/v1/quality/reduction", {"lang": "en"}, content_type="application/json", **headers
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["job"]["kind"], body["figures"]) == ("quality-reduction", None)
    job_execute(body["job"]["id"])
    answer = client.get(f"/api/v1/quality/reduction/{body['job']['id']}", **headers).json()
    assert answer["job"]["state"] == "succeeded"
    figures = answer["figures"]
    assert figures["same_characteristics"]["clusters"] == 1
    assert figures["same_characteristics"]["spare"] == 1
    assert figures["without_users"]["items"] == 1
    assert figures["restricted_procured"] == {"items": 0, "rows": 0, "available": True}
    other = client.get("/api/v1/quality/reduction/999999", **headers)
    assert other.status_code == 404
