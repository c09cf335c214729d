"""The classifier as a document: a print-ready PDF (Typst) and the same content as DOCX."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from katalog.classifiers import selectors
from katalog.classifiers.models import Item, Version
from katalog.classifiers.publish import FONTS, document_content, font_characters, publish

API = "/api/v1/classifications"


def flat(text: str) -> str:
    """Whitespace folded; a line broken after a hyphen (строительно-|монтажных) joined again."""
    return " ".join(text.split()).replace("- ", "-")


@pytest.fixture(scope="module")
def interstate_pdf(django_db_setup, django_db_blocker) -> str:
    """The interstate harmonised version in Russian, its text extracted from the PDF."""
    with django_db_blocker.unblock():
        document = publish(version=Version.objects.get(slug="mkved1"), language="ru", fmt="pdf")
    assert document.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(document.content))
    return flat(" ".join(page.extract_text() for page in reader.pages))


@pytest.mark.django_db
def test_the_pdf_holds_every_code_with_its_title(interstate_pdf):
    items = Item.objects.filter(version__slug="mkved1")
    missing = [i.code for i in items if f"{i.code} {flat(i.names['ru'])}" not in interstate_pdf]
    assert items.count() == 996
    assert missing == []


@pytest.mark.django_db
def test_the_pdf_has_its_parts_in_russian(interstate_pdf):
    for part in ("Введение", "Структура", "Алфавитный указатель", "Приложение 1.", "Изменения"):
        assert part in interstate_pdf, part
    assert "Проект для согласования государствами-участниками" in interstate_pdf
    assert "МСОК, пересмотр 4" in interstate_pdf  # the annex to ISIC Rev.4


@pytest.mark.django_db
def test_the_docx_has_the_same_content():
    document = publish(version=Version.objects.get(slug="oked2019"), language="ru", fmt="docx")
    with zipfile.ZipFile(io.BytesIO(document.content)) as z:
        assert {"word/document.xml", "word/styles.xml", "[Content_Types].xml"} <= set(z.namelist())
        root = ElementTree.fromstring(z.read("word/document.xml"))  # noqa: S314 (made by katalog)
    texts = " ".join(
        t.text or ""
        for t in root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
    )
    for item in Item.objects.filter(version__slug="oked2019", level__slug="class")[:200]:
        assert item.code in texts
        assert flat(item.names["ru"]) in flat(texts)
    assert "как опубликовано" in texts.lower()  # the version is known as published


@pytest.mark.django_db
def test_index_is_alphabetical_and_fallback_titles_are_marked():
    content = document_content(version=Version.objects.get(slug="isic5"), language="ru")
    titles = [e["title"].casefold() for e in content["index"]]
    assert titles == sorted(titles)
    assert content["fallback_note"]  # ISIC Rev.5 has English titles only
    first = content["structure"][0]["items"][0]["title"]
    assert (first["fallback"], first["lang"]) == (True, "en")


@pytest.mark.django_db
def test_the_shipped_fonts_draw_every_letter_of_every_title_and_label():
    """DejaVu Sans covers Cyrillic with the Kazakh, Kyrgyz, Tajik and Belarusian letters,
    Armenian, Arabic and Uzbek Latin; Typst's bundled fonts do not (Arabic is not shaped)."""
    regular = font_characters(FONTS / "DejaVuSans.ttf")
    bold = font_characters(FONTS / "DejaVuSans-Bold.ttf")
    used: set[str] = set()
    for names, notes in Item.objects.values_list("names", "notes"):
        for text in [*names.values(), *notes.values()]:
            used |= set(text)
    for path in FONTS.parents[2].glob("locale/*/LC_MESSAGES/django.po"):
        used |= set(path.read_text(encoding="utf-8"))
    letters = {c for c in used if not c.isspace() and ord(c) >= 32}
    assert sorted(c for c in letters if ord(c) not in regular) == []
    assert sorted(c for c in letters if ord(c) not in bold and c.isalpha()) == []


@pytest.mark.django_db
def test_publish_command_and_api_download(tmp_path, client):
    target = tmp_path / "okved2.docx"
    call_command("classifier", "publish", "okved2", "--language", "ru", "-o", str(target))
    assert target.read_bytes()[:2] == b"PK"
    response = client.get(f"{API}/isic4/publish", {"format": "pdf", "language": "ar"})
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="isic4-ar.pdf"' in response["Content-Disposition"]
    response = client.get(f"{API}/okved2/publish", {"format": "pdf", "language": "kk"})
    assert (response.status_code, response.json()["code"]) == (422, "LANGUAGE_NOT_IN_VERSION")
    response = client.get(f"{API}/okved2/publish", {"format": "odt"})
    assert (response.status_code, response.json()["code"]) == (422, "PUBLISH_FORMAT_UNKNOWN")
    page = client.get("/classifiers/isic4/").content.decode()
    assert re.search(
        r'href="/api/v1/classifications/isic4/publish\?format=pdf&amp;language=ar"', page
    )
    assert selectors.publish_languages(version=Version.objects.get(slug="isic4")) == [
        "ru",
        "ar",
        "en",
    ]
