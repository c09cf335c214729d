"""Refusals on the request pages are shown where they happen, with what was typed kept and in
words; a request that cannot be published offers its way out; text fields show their limits."""

import re
from html import unescape

import pytest

from katalog.catalog import services as catalog
from katalog.codification import services
from katalog.codification.models import CodificationRequest, RequestState, RequestTransition
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def maker(db):
    return ManufacturerFactory(code="A501F")


@pytest.fixture
def author(db, maker):
    return UserFactory(username="ru-author", bureau=bureau("RU"))


@pytest.fixture
def decider(db):
    return UserFactory(username="ru-decider", bureau=bureau("RU"), roles=["approver"])


@pytest.fixture
def approver(db):
    return UserFactory(username="ru-approver", bureau=bureau("RU"), roles=["approver"])


@pytest.fixture
def kz_item(maker):
    item = make_item("KZ")
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="АБВГ.303.001")
    return item


def screened(author) -> CodificationRequest:
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
    services.request_submit(actor=author, request=request)
    services.request_screen(actor=author, request=request)
    request.refresh_from_db()
    return request


def unpublishable(author, decider, approver, item) -> CodificationRequest:
    """Approved, registering RU on an item RU became a user of meanwhile."""
    request = screened(author)
    services.request_line_decide(
        actor=decider,
        line=request.lines.get(),
        decision="register",
        item=item,
        justification="same_item",
    )
    services.request_decide(actor=decider, request=request)
    services.request_approve(actor=approver, request=request)
    catalog.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("RU"))
    request.refresh_from_db()
    return request


def title_of(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def test_a_failed_publish_says_so_in_words_and_offers_the_way_out(
    client, author, decider, approver, kz_item
):
    request = unpublishable(author, decider, approver, kz_item)
    client.force_login(approver)
    response = client.post(
        f"/requests/{request.pk}/publish/",
        {"row_version": request.row_version},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = unescape(response.content.decode())
    assert response.status_code == 409
    assert title_of(text).startswith(f"Request {request.pk}")
    assert "Publishing failed: nothing was written to the catalogue" in text
    assert "Line 1 cannot be published:" in text
    assert f"/requests/{request.pk}/reopen/" in text
    assert "Return to decision" in text
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    # The way out works from the page, and the reason is in the request's history.
    response = client.post(
        f"/requests/{request.pk}/reopen/",
        {"row_version": request.row_version, "reason": "RU already uses the item"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.SCREENED
    assert RequestTransition.objects.get(request=request, name="reopen").reason == (
        "RU already uses the item"
    )
    page = unescape(
        client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "returned to decision" in page
    assert "RU already uses the item" in page


def test_an_approved_request_offers_the_way_back_to_decision(
    client, author, decider, approver, kz_item
):
    request = unpublishable(author, decider, approver, kz_item)
    client.force_login(approver)
    text = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/requests/{request.pk}/reopen/" in text
    assert f'maxlength="{services.REASON_MAX}"' in text


def test_a_refused_decision_shows_the_form_again_as_typed(client, author, decider, kz_item):
    catalog.registration_add(actor=SYSTEM_INIT, item=kz_item, bureau=bureau("RU"))
    request = screened(author)
    line = request.lines.get()
    client.force_login(decider)
    response = client.post(
        f"/requests/{request.pk}/lines/1/decide/",
        {
            "line1-decision": "register",
            "line1-item": kz_item.catalogue_number,
            "line1-justification": "same_item",
            "line1-note": "Checked against drawing 12-B",
            "line1-row_version": line.row_version,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = unescape(response.content.decode())
    assert response.status_code == 409
    assert title_of(text).startswith(f"Request {request.pk}")
    assert "Refused" not in text
    assert "Your nation is already registered as user of" in text
    assert "Checked against drawing 12-B</textarea>" in text
    assert f'value="{kz_item.catalogue_number}"' in text
    assert 'data-refusal-code="ALREADY_REGISTERED"' in text
    line.refresh_from_db()
    assert line.decision == ""


def test_an_incomplete_decision_form_is_shown_again_with_its_errors(client, author, decider):
    request = screened(author)
    client.force_login(decider)
    response = client.post(
        f"/requests/{request.pk}/lines/1/decide/",
        {"line1-decision": "nonsense", "line1-note": "my note"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = unescape(response.content.decode())
    assert response.status_code == 422
    assert "my note</textarea>" in text
    assert title_of(text).startswith(f"Request {request.pk}")


def test_a_refused_step_keeps_the_reason_typed_and_names_the_limit(client, author, approver):
    request = screened(author)
    client.force_login(approver)
    reason = "r" * (services.REASON_MAX + 10)
    response = client.post(
        f"/requests/{request.pk}/reject/",
        {"row_version": request.row_version, "reason": reason},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = unescape(response.content.decode())
    assert response.status_code == 422
    assert f'value="{reason}"' in text
    assert "At most 2,000 characters" in text or "At most 2000 characters" in text
    request.refresh_from_db()
    assert request.state == RequestState.SCREENED


def test_the_new_request_form_keeps_what_was_typed_when_refused(client):
    client.force_login(UserFactory(username="reader", bureau=bureau("RU"), roles=["viewer"]))
    response = client.post(
        "/requests/new/",
        {"title": "Bolts for the gearbox", "priority": "routine"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = unescape(response.content.decode())
    assert response.status_code == 403
    assert 'value="Bolts for the gearbox"' in text
    assert title_of(text) == "New request · katalog"
    assert not CodificationRequest.objects.exists()


def test_the_forms_show_their_limits(client, author, decider):
    client.force_login(author)
    text = client.get("/requests/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'maxlength="{services.TITLE_MAX}"' in text
    request = screened(author)
    client.force_login(decider)
    text = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(rf'<textarea[^>]*maxlength="{services.NOTE_MAX}"', text)


def test_a_cataloguer_without_the_approver_role_is_not_offered_approval(client, author, decider):
    request = screened(author)
    services.request_line_decide(actor=decider, line=request.lines.get(), decision="assign",
                                 justification="not_acceptable_replacement")  # fmt: skip
    services.request_decide(actor=decider, request=request)
    client.force_login(UserFactory(username="ru-plain", bureau=bureau("RU")))
    text = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/requests/{request.pk}/approve/" not in text
    assert f"/requests/{request.pk}/return/" in text


def test_a_reader_is_offered_no_step_and_no_decision_form(client, author):
    request = screened(author)
    client.force_login(UserFactory(username="ru-reader", bureau=bureau("RU"), roles=["viewer"]))
    text = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/requests/{request.pk}/lines/1/decide/" not in text
    assert f"/requests/{request.pk}/reject/" not in text


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("ru", "Действие не выполнено"),
        ("en", "Not done"),
        ("kk", "Әрекет орындалмады"),
        ("uz", "Amal bajarilmadi"),
        ("hy", "Գործողությունը չի կատարվել"),
    ],
)
def test_the_refusal_page_says_not_done_not_rejected(client, author, language, title):
    request = services.request_create(actor=author)
    client.force_login(UserFactory(username="kz-other", bureau=bureau("KZ")))
    response = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    text = response.content.decode()
    assert response.status_code == 404
    assert title_of(text) == f"{title} · katalog"
    assert "Отклонено" not in text


def test_a_decision_on_a_line_changed_meanwhile_can_be_sent_again(
    client, author, decider, approver
):
    request = screened(author)
    line = request.lines.get()
    read_version = line.row_version
    services.request_line_decide(actor=approver, line=line, decision="assign",
                                 justification="not_acceptable_replacement")  # fmt: skip
    client.force_login(decider)
    typed = {
        "line1-decision": "reject",
        "line1-reject_reason": "insufficient_data",
        "line1-note": "No drawing attached",
        "line1-row_version": read_version,
    }
    response = client.post(
        f"/requests/{request.pk}/lines/1/decide/", typed, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = unescape(response.content.decode())
    line.refresh_from_db()
    assert response.status_code == 412, (read_version, line.row_version, line.decision)
    assert "Someone changed this line meanwhile" in text
    assert "No drawing attached</textarea>" in text
    line.refresh_from_db()
    assert line.decision == "assign", (read_version, line.row_version, line.decision)
    current = re.search(r'name="line1-row_version" value="(\d+)"', text).group(1)
    assert int(current) == line.row_version
    again = client.post(
        f"/requests/{request.pk}/lines/1/decide/",
        {**typed, "line1-row_version": current},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 302
    line.refresh_from_db()
    assert (line.decision, line.note) == ("reject", "No drawing attached")


def test_a_failed_publish_reads_in_russian_without_codes_in_the_sentence(
    client, author, decider, approver, kz_item
):
    request = unpublishable(author, decider, approver, kz_item)
    client.force_login(approver)
    response = client.post(
        f"/requests/{request.pk}/publish/",
        {"row_version": request.row_version},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    text = unescape(response.content.decode())
    assert response.status_code == 409
    failed = re.search(
        r'<div class="refusal" role="alert" id="publish-failed".*?</div>', text, re.S
    )
    words = failed.group(0)
    assert "Опубликовать не удалось" in words
    assert "Строку 1 нельзя опубликовать" in words
    assert "ALREADY_REGISTERED" not in re.sub(r"<[^>]+>", "", words)
    assert "Вернуть к принятию решения" in text
    assert "Отклонено" not in text


def test_a_step_no_longer_possible_is_said_with_the_state_in_words(
    client, author, decider, approver, kz_item
):
    request = unpublishable(author, decider, approver, kz_item)
    version = request.row_version
    services.request_reopen(actor=approver, request=request, reason="wrong decision")
    client.force_login(approver)
    # A second tab still showing the approved request sends publish.
    response = client.post(
        f"/requests/{request.pk}/publish/", {"row_version": version + 1}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    text = unescape(response.content.decode())
    assert response.status_code == 409
    assert "Заявка сейчас в состоянии «проверена на дублирование»" in text
    assert "publish" not in re.sub(r"<[^>]+>", "", text).split("История")[0].lower()


def test_a_reader_is_offered_neither_a_new_request_nor_a_new_line(client, author):
    draft = services.request_create(actor=author)
    client.force_login(UserFactory(username="ru-reader", bureau=bureau("RU"), roles=["viewer"]))
    queue = client.get("/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/requests/new/" not in queue
    page = client.get(f"/requests/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/requests/{draft.pk}/lines/new/" not in page
    assert f"/requests/{draft.pk}/submit/" not in page
    client.force_login(author)
    queue = client.get("/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/requests/new/" in queue
    page = client.get(f"/requests/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/requests/{draft.pk}/lines/new/" in page
