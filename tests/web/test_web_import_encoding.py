"""The import page lets the user say the encoding of a file that is not UTF-8."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from katalog.catalog.models import Manufacturer
from katalog.jobs.models import Job
from katalog.jobs.services import job_execute
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db

LATIN_1 = "code,name_en,country\nA611F,GRÖßE Werke,RU\n".encode("latin-1")


@pytest.fixture(autouse=True)
def _jobs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))


def test_the_encoding_chosen_on_the_import_page_is_used(client):
    client.force_login(UserFactory(username="ru-importer", bureau=bureau("RU")))
    form = client.get("/jobs/import/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="latin-1"' in form
    client.post(
        "/jobs/import/",
        {
            "kind": "import-manufacturers",
            "on_existing": "skip",
            "encoding": "latin-1",
            "file": SimpleUploadedFile("makers.csv", LATIN_1, content_type="text/csv"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    job_execute(Job.objects.get().pk)
    assert Manufacturer.objects.get(code="A611F").names["en"] == "GRÖßE Werke"
