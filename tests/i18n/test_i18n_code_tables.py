"""Code-table meanings and table names reach the database in every interface language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings

from katalog.core.i18n import pick
from katalog.core.loading import data_path, read_csv
from katalog.refdata import loaders
from katalog.refdata.loaders import by_language
from katalog.refdata.models import CodeTable, CodeValue

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@pytest.mark.django_db
def test_i18n_every_code_value_has_a_meaning_in_every_language():
    values = list(CodeValue.objects.all())
    assert len(values) == sum(1 for _ in read_csv(data_path(loaders.__file__, "code_tables.csv")))
    missing = [
        (v.table_id, v.code, lang) for v in values for lang in LANGUAGES if not v.meanings.get(lang)
    ]
    assert missing == []


@pytest.mark.django_db
def test_i18n_every_code_table_has_a_name_in_every_language():
    tables = CodeTable.objects.all()
    missing = [(t.key, lang) for t in tables for lang in LANGUAGES if not t.names.get(lang)]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ky", "hy", "be", "tg", "uz"])
def test_i18n_meanings_are_translations_not_russian_copies(language):
    values = [v for v in CodeValue.objects.all() if v.table_id != "UNIT_OF_ISSUE"]
    copies = [v.code for v in values if v.meanings[language] == v.meanings["ru"]]
    assert len(copies) <= len(values) // 10, copies


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ky", "hy", "be", "tg", "uz"])
def test_i18n_units_of_issue_are_translations_not_russian_copies(language):
    # Most units of issue are international unit names (метр, грамм, фут, ампула) that
    # Kazakh, Kyrgyz, Tajik and Belarusian spell exactly as Russian, so many equal spellings
    # are right here; a column copied from Russian still fails.
    values = list(CodeValue.objects.filter(table_id="UNIT_OF_ISSUE"))
    copies = [v.code for v in values if v.meanings[language] == v.meanings["ru"]]
    assert len(copies) <= len(values) * 2 // 5, copies


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["hy", "uz"])
def test_i18n_armenian_and_uzbek_meanings_are_not_in_cyrillic(language):
    meanings = [v.meanings[language] for v in CodeValue.objects.all()]
    assert [text for text in meanings if CYRILLIC.search(text)] == []


@pytest.mark.django_db
def test_i18n_item_status_reads_in_kazakh_without_fallback():
    active = CodeValue.objects.get(table_id="ITEM_STATUS", code="0")
    shown = pick(active.meanings, "kk")
    assert (shown.text, shown.is_fallback) == ("қолданыстағы", False)


def test_i18n_loader_reads_only_the_configured_languages():
    row = {"meaning_en": "active", "meaning_ru": "действующий", "meaning_kk": "қолданыстағы"}
    with override_settings(LANGUAGES=[("ru", "Russian"), ("en", "English")]):
        assert by_language(row, "meaning") == {"ru": "действующий", "en": "active"}
    everything = {"en": "active", "ru": "действующий", "kk": "қолданыстағы"}
    assert by_language(row, "meaning") == everything
