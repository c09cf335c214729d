"""Pages speak in words: coded values, supply groups and classes, job kinds, workflow steps and
system actors appear in the reader's language, never as the identifiers they are stored as."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from katalog.catalog import services
from katalog.codification import services as codification
from katalog.core.actors import SYSTEM_INIT
from katalog.jobs.models import Job
from katalog.jobs.services import job_execute
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

LANGUAGES = ["ru", "en", "kk", "ky", "hy", "be", "tg", "uz"]
BAD_ROWS = b"code,name_en,country\nA611F,Good Works,RU\nA612F,Nowhere Ltd,XX\n"


def section(html: str, heading_id: str) -> str:
    """The part of the page from a section's heading to the end of its first table or list."""
    part = html.split(f'id="{heading_id}"')[1]
    return re.split(r"</table>|</ul>", part)[0]


def page(client, url: str, language: str, **params) -> str:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def described_nut(nut):
    """The page fixture's nut, of steel without a finish, issued by the piece to two users."""
    services.characteristic_set(actor=SYSTEM_INIT, item=nut, code="MATL", raw="STL")
    services.characteristic_set(actor=SYSTEM_INIT, item=nut, code="FINS", raw="NON")
    for key, price, currency in (("RU", "3083.40", "RUB"), ("AM", "18591.30", "AMD")):
        services.registration_add(actor=SYSTEM_INIT, item=nut, bureau=bureau(key))
        services.management_set(
            actor=SYSTEM_INIT, item=nut, bureau=bureau(key), unit_of_issue="EA",
            price=price, currency=currency, released=True,
        )  # fmt: skip
    return nut


@pytest.fixture
def member(client, tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))
    user = UserFactory(username="ru-words", bureau=bureau("RU"))
    client.force_login(user)
    return user


# --- the item page ------------------------------------------------------------------------


def test_item_page_in_russian_names_coded_replies_in_words(client, described_nut):
    html = page(client, f"/items/{described_nut.catalogue_number}/", "ru", mode="plain")
    values = section(html, "chars")
    assert "сталь" in values
    assert "без покрытия" in values
    assert "STL" not in values
    assert "NON" not in values


def test_item_page_in_russian_names_units_of_issue_and_users_in_words(client, described_nut):
    html = page(client, f"/items/{described_nut.catalogue_number}/", "ru", mode="plain")
    management = section(html, "mgmt")
    assert "штука" in management
    assert ">EA<" not in management
    assert "Национальный орган по каталогизации Республики Армения" in management
    assert ">QA<" not in management
    assert ">YU<" not in management
    assert "3\xa0083,40" in management  # the price written the Russian way
    assert "Национальный орган по каталогизации Российской Федерации" in section(html, "ident")


def test_expert_mode_still_shows_the_codes(client, described_nut):
    html = page(client, f"/items/{described_nut.catalogue_number}/", "ru", mode="expert")
    assert "<td>STL</td>" in section(html, "chars")
    assert ">EA</abbr>" in section(html, "mgmt")


def test_item_page_shows_the_supply_class_and_group_in_the_readers_language(client, nut):
    html = page(client, f"/items/{nut.catalogue_number}/", "ru")
    assert "Гайки и шайбы" in section(html, "ident").split("</dd>")[1]
    group = page(client, "/classification/groups/53/", "ru")
    assert "Метизы и абразивы" in group
    assert "HARDWARE AND ABRASIVES" not in group
    assert "Гайки и шайбы" in group


@pytest.mark.parametrize("language", ["ru", "kk", "ky", "hy", "be", "tg", "uz"])
def test_every_supply_group_has_a_title_in_each_interface_language(client, language):
    from katalog.refdata.selectors import supply_group_list

    groups = supply_group_list()
    html = page(client, "/classification/", language)
    assert len(groups) > 70
    for group in groups:
        assert group.titles.get(language), group.code
        assert escape(group.titles[language]) in html
    assert "HARDWARE AND ABRASIVES" not in html
    assert 'class="lang-badge"' not in html


def test_a_class_without_a_translation_falls_back_and_says_so(client):
    from katalog.refdata.selectors import supply_class_list

    untranslated = [c for c in supply_class_list() if "kk" not in c.titles]
    assert untranslated  # classes are translated into Russian, not (yet) into Kazakh
    html = page(client, f"/classification/classes/{untranslated[0].code}/", "kk")
    assert 'class="lang-badge"' in html


def test_item_history_names_the_system_in_words(client, cataloguer, nut):
    client.force_login(cataloguer)  # who acted is shown to signed-in readers only
    html = page(client, f"/items/{nut.catalogue_number}/", "ru")
    history = section(html, "hist")
    assert "система (начальная загрузка)" in history
    assert "system:init" not in history


# --- jobs ---------------------------------------------------------------------------------


def finished_import(client) -> Job:
    upload = SimpleUploadedFile("makers.csv", BAD_ROWS, content_type="text/csv")
    client.post(
        "/jobs/import/",
        {"kind": "import-manufacturers", "on_existing": "skip", "file": upload},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    job = Job.objects.get()
    job_execute(job.pk)
    return job


@pytest.mark.parametrize("language", LANGUAGES)
def test_job_pages_show_no_internal_identifier(client, member, language):
    job = finished_import(client)
    listing = page(client, "/jobs/", language)
    detail = page(client, f"/jobs/{job.pk}/", language)
    for html in (listing, detail):
        text = re.sub(r"<[^>]+>", " ", html)  # what a person reads, not the markup
        assert "import-manufacturers" not in text
        assert "dry_run" not in text
        assert "kind:" not in text
        assert "resumed_after_line" not in text


def test_job_summary_is_in_words(client, member):
    job = finished_import(client)
    detail = page(client, f"/jobs/{job.pk}/", "ru")
    assert "импорт изготовителей" in detail
    assert "прочитано строк: 2" in detail
    assert "отклонено строк: 1" in detail


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_form_offers_contents_in_words(client, member, language):
    from django.utils import translation

    html = page(client, "/jobs/import/", language)
    options = re.findall(r'<option value="import-[a-z]+"[^>]*>([^<]*)</option>', html)
    with translation.override(language):
        expected = translation.gettext("items of supply")
    assert len(options) == 6
    assert expected in options
    assert "items" not in options
    assert "characteristics" not in options


def test_import_form_in_russian(client, member):
    html = page(client, "/jobs/import/", "ru")
    assert ">предметы снабжения</option>" in html
    assert ">characteristics</option>" not in html


def test_error_report_headings_are_in_the_readers_language(client, member):
    job = finished_import(client)
    report = client.get(f"/jobs/{job.pk}/errors/", HTTP_ACCEPT_LANGUAGE="ru")
    lines = b"".join(report.streaming_content).decode().splitlines()
    assert lines[0] == "строка,столбец,код ошибки,сообщение"
    assert len(lines) == 2
    assert lines[1].startswith("3,")


# --- search, requests, classifiers, missing pages ------------------------------------------


def test_search_reading_is_in_words(client, nut):
    html = page(client, "/search/", "ru", q="АВС-77")
    reading = html.split("понято как")[1].split("</p>")[0] if "понято как" in html else ""
    assert reading
    assert "reference" not in reading
    assert "обозначение" in reading


@pytest.mark.parametrize("language", ["ru", "kk", "uz", "hy"])
def test_request_history_steps_are_in_words(client, language):
    author = UserFactory(username="ru-author", bureau=bureau("RU"))
    record = codification.request_create(actor=author, title="Гайки")
    client.force_login(author)
    html = page(client, f"/requests/{record.pk}/", language, mode="plain")
    steps = html.split("</thead>")[-1].split("</table>")[0]
    assert re.search(r"<td>create ", steps) is None


def test_request_history_in_russian_says_opened(client):
    author = UserFactory(username="ru-author2", bureau=bureau("RU"))
    record = codification.request_create(actor=author, title="Гайки")
    client.force_login(author)
    html = page(client, f"/requests/{record.pk}/", "ru", mode="plain")
    assert "заявка открыта" in html.split("</thead>")[-1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_page_is_a_page_of_the_product_in_the_readers_language(client, language):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 404
    assert f'lang="{language}"' in html
    assert "The requested resource was not found on this server" not in html
    if language != "en":
        assert "There is no page at this address" not in html


def test_unknown_classifier_code_is_explained_in_the_readers_language(client):
    from katalog.classifiers.models import Version

    slug = Version.objects.values_list("slug", flat=True).first()
    if slug is None:
        pytest.fail("the test database has no classification version")
    response = client.get(f"/classifiers/{slug}/99.99.99/", HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert response.status_code == 404
    assert "нет кода «99.99.99»" in html
    assert "CODE_NOT_FOUND</" not in html
    assert "CODE_NOT_FOUND:" not in html
    assert "<h1>Не найдено</h1>" in html


@pytest.mark.parametrize("language", ["uz", "kk", "hy", "ru", "be"])
def test_classifier_level_is_named_in_the_readers_language(client, language):
    from django.utils import translation

    from katalog.classifiers.models import Item

    item = Item.objects.select_related("version", "level").filter(level__slug="class").first()
    if item is None:
        pytest.fail("the test database has no classifier item at class level")
    html = page(client, f"/classifiers/{item.version.slug}/{item.code}/", language)
    with translation.override(language):
        word = translation.pgettext("classifier level", "class")
    assert word != "class"
    assert word in html
    if language != "ru":
        assert ": класс" not in html


def test_request_lines_name_characteristics_and_replies_in_words(client):
    author = UserFactory(username="ru-author3", bureau=bureau("RU"))
    record = codification.request_create(actor=author, title="Гайки")
    codification.request_line_add(
        actor=author, request=record, item_name_code="10101", supply_class="5310",
        references=[], characteristics={"THDD": "12,5 MMT", "MATL": "STL"}, locale="ru",
    )  # fmt: skip
    client.force_login(author)
    html = page(client, f"/requests/{record.pk}/", "ru", mode="plain")
    replies = html.split('id="line-h-1"')[1].split("</section>")[0]
    assert "номинальный диаметр резьбы = 12,5 мм" in replies
    assert "материал = сталь" in replies
    assert "THDD" not in replies
    assert "MMT" not in replies
    assert "STL" not in replies


def test_item_name_page_writes_units_as_symbols_and_classes_with_titles(client):
    html = page(client, "/item-names/10101/", "ru", mode="plain")
    assert "MMT" not in html
    assert " · мм" in html
    assert "Гайки и шайбы" in html


def test_manufacturer_page_names_the_bureau_that_recorded_it(client, nut):
    html = page(client, "/manufacturers/A777F/", "ru", mode="plain")
    recorded = html.split("</dl>")[0].rsplit("<dt>", 1)[1]
    assert "Национальный орган по каталогизации Российской Федерации" in recorded


def test_search_page_names_statuses_and_users_without_their_codes(client, described_nut):
    html = page(client, "/search/", "ru", q="АВС-77")
    facets = html.split('class="facets"')[1].split("</aside>")[0]
    labels = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<label[^>]*>(.*?)<span", facets)]
    assert "действующий" in labels
    assert "Национальный орган по каталогизации Республики Армения" in labels
    assert not [label for label in labels if re.match(r"(0|QA|YU|RU|AM) ", label)]
    assert "5310 Гайки и шайбы" in labels  # classes keep their codes, which people use
    hits = html.split("<tbody>")[1].split("</tbody>")[0]
    assert ">действующий</td>" in hits


@pytest.mark.parametrize("language", ["ru", "en", "uz"])
def test_a_refusal_gives_its_reason_without_its_code(client, language):
    response = client.get("/items/5310-57-999-9999/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert response.status_code == 404
    assert "5310-57-999-9999" in text
    assert "ITEM_NOT_FOUND" not in text
    assert "ITEM_NOT_FOUND" in html  # in the markup, for programs and tests


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("kk", "Армения Республикасының каталогтау жөніндегі ұлттық органы"),
        ("uz", "Armaniston Respublikasi milliy kataloglashtirish organi"),
        ("hy", "Հայաստանի Հանրապետության կատալոգավորման ազգային մարմին"),
    ],
)
def test_bureaus_are_named_in_the_readers_language(client, described_nut, language, name):
    html = page(client, f"/items/{described_nut.catalogue_number}/", language, mode="plain")
    management = section(html, "mgmt")
    assert name in management
    assert 'class="lang-badge"' not in management.split("</td>")[0]


@pytest.mark.parametrize(
    ("language", "name", "reply"),
    [("uz", "material", "poʻlat"), ("kk", "материал", "болат"), ("hy", "նյութ", "պողպատ")],
)
def test_characteristics_and_replies_are_named_in_the_readers_language(
    client, described_nut, language, name, reply
):
    html = page(client, f"/items/{described_nut.catalogue_number}/", language, mode="plain")
    values = section(html, "chars")
    assert f"<td>{name}</td><td>{reply}</td>" in values
    assert 'class="lang-badge"' not in values


def test_a_class_title_in_another_language_is_marked_on_the_item_page(client, nut):
    html = page(client, f"/items/{nut.catalogue_number}/", "kk")
    supply_class = section(html, "ident").split("</dd>")[1]
    assert "Гайки и шайбы" in supply_class  # no Kazakh title yet: Russian, the first fallback
    assert 'class="lang-badge"' in supply_class


def test_the_plain_item_page_does_not_grow_with_references_and_users(client, cataloguer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cataloguer)
    counts = []
    for references, users in ((1, 1), (6, 6)):
        item = make_item()
        for n in range(references):
            maker = ManufacturerFactory()
            services.reference_add(
                actor=SYSTEM_INIT, item=item, manufacturer=maker, number=f"Q-{n}"
            )
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code="MATL", raw="STL")
        for key in ("RU", "KZ", "AM", "BY", "KG", "TJ")[:users]:
            services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(key))
            services.management_set(
                actor=SYSTEM_INIT, item=item, bureau=bureau(key), unit_of_issue="EA",
                price="1", currency="RUB", released=True,
            )  # fmt: skip
        url = f"/items/{item.catalogue_number}/?mode=plain"
        client.get(url, HTTP_ACCEPT_LANGUAGE="ru")  # fills the process's caches
        with CaptureQueriesContext(connection) as captured:
            client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
