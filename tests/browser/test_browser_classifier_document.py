"""Downloading a classification version as a PDF from its page."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from katalog.classifiers import services
from katalog.classifiers.models import Classification, ClassificationFamily


def test_the_version_page_downloads_the_pdf(page, tmp_path):
    family = ClassificationFamily.objects.get(slug="economic-activity")
    Classification.objects.create(family=family, slug="tiny", names={"en": "Tiny classification"})
    services.version_import(
        classification="tiny",
        slug="tiny1",
        names={"en": "Tiny classification, edition 1", "ru": "Малый классификатор, редакция 1"},
        valid_from=dt.date(2020, 1, 1),
        content="code,level,parent,name_ru,name_en\nA,section,,Сельское хозяйство,Agriculture\n"
        "01,division,A,Растениеводство,Crop production\n".encode(),
        filename="tiny.csv",
    )
    page.goto("/classifiers/tiny1/")
    with page.expect_download() as caught:
        page.get_by_role("link", name="PDF for printing").first.click()
    path = tmp_path / caught.value.suggested_filename
    caught.value.save_as(path)
    assert path.name == "tiny1-ru.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Сельское хозяйство" in text
    assert "Растениеводство" in text
