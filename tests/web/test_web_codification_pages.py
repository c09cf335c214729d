import pytest

from katalog.catalog import services as catalog
from katalog.codification import services
from katalog.codification.models import CodificationRequest, RequestLine
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def maker(db):
    return ManufacturerFactory(code="A501F")


@pytest.fixture
def planted(maker):
    """An existing nut with the reference the new line will repeat."""
    item = make_item()
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="АБВГ.303.001")
    catalog.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="12 mm")
    return item


@pytest.fixture
def author(db, maker):
    # An approver too: the four-eyes rule, not a missing role, keeps them from approving.
    return UserFactory(username="ru-author", bureau=bureau("RU"), roles=["approver"])


@pytest.fixture
def second(db):
    return UserFactory(username="ru-second", bureau=bureau("RU"), roles=["approver"])


def draft(author):
    request = services.request_create(actor=author, title="Fasteners")
    services.request_line_add(
        actor=author,
        request=request,
        item_name_code="10101",
        supply_class="5310",
        references=[{"number": "АБВГ.303.001", "manufacturer_code": "A501F"}],
        characteristics={"THDD": "12 mm"},
        locale="en",
    )
    request.refresh_from_db()
    return request


def test_request_pages_need_a_login(client):
    response = client.get("/requests/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queue_shows_the_bureaus_requests_with_filters(client, author):
    mine = services.request_create(actor=author, title="Mine", priority="emergency")
    other = services.request_create(
        actor=UserFactory(username="kz", bureau=bureau("KZ")), title="Theirs"
    )
    client.force_login(author)
    text = client.get("/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/requests/{mine.pk}/" in text
    assert f"/requests/{other.pk}/" not in text
    text = client.get(
        "/requests/", {"priority": "routine"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert f"/requests/{mine.pk}/" not in text


def test_opening_a_request_through_the_form(client, author):
    client.force_login(author)
    response = client.post("/requests/new/", {"title": "Bolts", "priority": "routine"})
    created = CodificationRequest.objects.get(title="Bolts")
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{created.pk}/"
    assert created.author == author
    assert created.bureau.key == "RU"


def test_a_person_without_a_bureau_is_refused_with_a_message(client):
    client.force_login(UserFactory(username="nobody", bureau=None))
    response = client.post(
        "/requests/new/", {"title": "X", "priority": "routine"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "MISSING_ROLE" in response.content.decode()
    assert not CodificationRequest.objects.exists()


def test_line_form_is_built_from_the_guide(client, author):
    request = services.request_create(actor=author)
    client.force_login(author)
    text = client.get(
        f"/requests/{request.pk}/lines/new/", {"item_name": "10101"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'name="char_THDD"' in text
    assert 'name="unit_THDD"' in text
    assert '<option value="MMT" selected>' in text
    assert '<option value="INH">' in text
    assert 'name="char_MATL"' in text
    assert "<select" in text
    assert 'for="id_char_THDD"' in text


def test_adding_a_line_through_the_form_takes_a_decimal_comma_in_russian(client, author, maker):
    request = services.request_create(actor=author)
    client.force_login(author)
    response = client.post(
        f"/requests/{request.pk}/lines/new/",
        {
            "item_name": "10101",
            "supply_class": "5310",
            "ref_number_1": "X-100",
            "ref_maker_1": "A501F",
            "char_THDD": "12,5",
            "unit_THDD": "MMT",
            "char_MATL": "SST",
            "row_version": request.row_version,
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302
    line = RequestLine.objects.get(request=request)
    assert line.characteristics == {"THDD": "12,5 MMT", "MATL": "SST"}
    assert line.locale == "ru"


def test_a_bad_reply_is_shown_on_its_field_and_nothing_is_saved(client, author, maker):
    request = services.request_create(actor=author)
    client.force_login(author)
    response = client.post(
        f"/requests/{request.pk}/lines/new/",
        {
            "item_name": "10101",
            "supply_class": "5310",
            "ref_number_1": "X-100",
            "ref_maker_1": "A501F",
            "char_THDD": "12 kg",
            "unit_THDD": "MMT",
            "char_MATL": "SST",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert 'id="id_char_THDD_error"' in response.content.decode()
    assert not RequestLine.objects.exists()


def test_inline_reply_check(client, author):
    client.force_login(author)
    ok = client.get(
        "/requests/reply-check/", {"item_name": "10101", "char_THDD": "10", "unit_THDD": "MMT"}
    )
    assert "field-ok" in ok.content.decode()
    bad = client.get(
        "/requests/reply-check/",
        {"item_name": "10101", "char_THDD": "ten"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "field-error" in bad.content.decode()
    assert bad.status_code == 200


def test_draft_shows_screening_before_submission(client, author, planted):
    request = draft(author)
    client.force_login(author)
    text = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert planted.catalogue_number in text
    assert "verdict-duplicate" in text or "verdict-review" in text


def test_screening_preview_of_the_unsaved_form(client, author, planted):
    request = services.request_create(actor=author)
    client.force_login(author)
    response = client.post(
        f"/requests/{request.pk}/lines/preview/",
        {
            "item_name": "10101",
            "supply_class": "5310",
            "ref_number_1": "АБВГ.303.001",
            "ref_maker_1": "A501F",
            "char_THDD": "12",
            "unit_THDD": "MMT",
        },
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert planted.catalogue_number in response.content.decode()
    assert not RequestLine.objects.exists()


def test_workflow_buttons_and_four_eyes_refusal(client, author, second, planted):
    request = draft(author)
    client.force_login(author)
    for step in ("submit", "screen"):
        request.refresh_from_db()
        response = client.post(
            f"/requests/{request.pk}/{step}/", {"row_version": request.row_version}
        )
        assert response.status_code == 302, response.content.decode()[:500]
    line = request.lines.get()
    line.refresh_from_db()
    response = client.post(
        f"/requests/{request.pk}/lines/1/decide/",
        {
            "line1-decision": "assign",
            "line1-justification": "not_acceptable_replacement",
            "line1-row_version": line.row_version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    request.refresh_from_db()
    client.post(f"/requests/{request.pk}/decide/", {"row_version": request.row_version})
    request.refresh_from_db()
    assert request.state == "decided"
    # The author is not offered the Approve button that could only refuse.
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert f"/requests/{request.pk}/approve/" not in page
    assert f"/requests/{request.pk}/return/" in page
    refused = client.post(
        f"/requests/{request.pk}/approve/",
        {"row_version": request.row_version},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 403
    assert "FOUR_EYES" in refused.content.decode()
    request.refresh_from_db()
    assert request.state == "decided"
    client.force_login(second)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert f"/requests/{request.pk}/approve/" in page
    approved = client.post(f"/requests/{request.pk}/approve/", {"row_version": request.row_version})
    assert approved.status_code == 302
    request.refresh_from_db()
    assert request.state == "approved"
    assert request.approved_by == second


def test_a_stale_version_is_refused_with_a_message(client, author):
    request = draft(author)
    client.force_login(author)
    response = client.post(
        f"/requests/{request.pk}/submit/",
        {"row_version": request.row_version - 1},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 412
    assert "VERSION_STALE" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "draft"


def test_another_bureau_neither_sees_nor_acts(client, author):
    request = draft(author)
    client.force_login(UserFactory(username="kz2", bureau=bureau("KZ")))
    seen = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert seen.status_code == 404
    assert "REQUEST_NOT_FOUND" in seen.content.decode()
    version = request.row_version
    acted = client.post(
        f"/requests/{request.pk}/submit/", {"row_version": version}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert acted.status_code == 404
    request.refresh_from_db()
    assert request.state == "draft"
    assert request.row_version == version


def test_a_person_without_a_bureau_sees_no_queue(client, author):
    mine = services.request_create(actor=author, title="Mine")
    client.force_login(UserFactory(username="loose", bureau=None))
    text = client.get("/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/requests/{mine.pk}/" not in text


def test_a_refusal_during_an_htmx_request_goes_to_the_messages_area(client, author):
    request = services.request_create(actor=author)
    client.force_login(author)
    response = client.post(
        f"/requests/{request.pk}/lines/preview/",
        {"item_name": "99999"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 404
    assert response["HX-Retarget"] == "#messages"
    text = response.content.decode()
    assert text.startswith('<div id="messages"')
    assert "ITEM_NAME_NOT_FOUND" in text


def test_decisions_read_in_words_in_plain_mode(client, author, planted):
    request = draft(author)
    services.request_submit(actor=author, request=request)
    services.request_screen(actor=author, request=request)
    services.request_line_decide(
        actor=author,
        line=request.lines.get(),
        decision="register",
        item=planted,
        justification="same_item",
    )
    client.force_login(author)
    text = client.get(
        f"/requests/{request.pk}/", {"mode": "plain"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "register as user of an existing item" in text
    assert "confirmed to be the same item" in text
    assert "Screen for duplicates" not in text
    assert "Close the decisions" in text


def test_unknown_manufacturer_on_the_request_form_is_shown_on_its_field(client, author):
    client.force_login(author)
    response = client.post(
        "/requests/new/", {"title": "X", "priority": "routine", "manufacturer_code": "ZZZZZ"}
    )
    assert response.status_code == 200
    assert 'id="id_manufacturer_code_error"' in response.content.decode()
    assert not CodificationRequest.objects.exists()


def test_the_request_page_lists_its_documents_and_each_opens(client, author, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    request = draft(author)
    upload = SimpleUploadedFile("spec.txt", b"ST RK 1234", content_type="text/plain")
    document = services.request_document_add(
        actor=author, request=request, upload=upload, title="Specification"
    )
    client.force_login(author)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    link = f'href="/requests/{request.pk}/documents/{document.pk}/"'
    assert link in page
    assert ">Specification</a>" in page
    opened = client.get(f"/requests/{request.pk}/documents/{document.pk}/")
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == b"ST RK 1234"
    assert "attachment" in opened["Content-Disposition"]
    client.force_login(UserFactory(username="kz-reader", bureau=bureau("KZ")))
    assert client.get(f"/requests/{request.pk}/documents/{document.pk}/").status_code == 404
