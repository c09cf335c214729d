"""A refused import is shown on the import form, with the choices made kept, not on a page of
its own."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from katalog.jobs.models import Job
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))


def test_an_import_refused_for_want_of_a_role_stays_on_the_form(client):
    client.force_login(UserFactory(username="ru-reader", bureau=bureau("RU"), roles=["viewer"]))
    response = client.post(
        "/jobs/import/",
        {
            "kind": "import-manufacturers",
            "on_existing": "update",
            "encoding": "cp1251",
            "file": SimpleUploadedFile("makers.csv", b"code,name_en\n", content_type="text/csv"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = unescape(response.content.decode())
    assert response.status_code == 403
    assert "<title>Upload an import file · katalog</title>" in text
    assert '<option value="update" selected>' in text
    assert '<option value="cp1251" selected>' in text
    assert "Not allowed:" in text
    assert not Job.objects.exists()
