"""Documents of a request: attached while the request is open, refused once it is closed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from katalog.codification import services
from katalog.codification.models import RequestDocument, RequestState
from katalog.core.errors import Conflict
from tests.codification.codification_helpers import drive, new_draft


@pytest.mark.django_db
@pytest.mark.parametrize("state", [RequestState.PUBLISHED, RequestState.REJECTED])
def test_no_document_is_attached_to_a_closed_request(people, maker, settings, tmp_path, state):
    settings.MEDIA_ROOT = tmp_path
    request = drive(people, new_draft(people["author"]), state)
    upload = SimpleUploadedFile("drawing.pdf", b"%PDF-1.4 drawing")
    with pytest.raises(Conflict) as refused:
        services.request_document_add(actor=people["author"], request=request, upload=upload)
    assert refused.value.code == "REQUEST_CLOSED"
    assert not RequestDocument.objects.exists()
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
def test_a_document_is_attached_to_a_submitted_request(people, maker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = drive(people, new_draft(people["author"]), RequestState.SUBMITTED)
    upload = SimpleUploadedFile("drawing.pdf", b"%PDF-1.4 drawing")
    services.request_document_add(actor=people["author"], request=request, upload=upload)
    assert RequestDocument.objects.get().request == request
