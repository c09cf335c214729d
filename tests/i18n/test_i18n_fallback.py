"""Missing strings of the member-state languages fall back to Russian, then to English."""

from __future__ import annotations

import shutil
import textwrap

import pytest
from django.test import override_settings
from django.utils import translation

from katalog.core.translation import (
    FALLBACK_LANGUAGES,
    FALLBACK_SOURCE,
    build_catalogues,
    catalogue_path,
    locale_dir,
    plural_form_map,
    read_mo,
    translated_by_django,
    with_fallback,
)

RUSSIAN_HEADER = (
    b"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    b"n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
)
needs_msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt"
)

RUSSIAN = """
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

    msgid "Item names"
    msgstr "Наименования"

    msgid "Only in Russian"
    msgstr "Только по-русски"

    #, python-format
    msgid "%(n)s item found"
    msgid_plural "%(n)s items found"
    msgstr[0] "Найден %(n)s предмет"
    msgstr[1] "Найдено %(n)s предмета"
    msgstr[2] "Найдено %(n)s предметов"

    msgid "Nowhere translated"
    msgstr ""

    msgid "Password"
    msgstr "Пароль"
"""

KAZAKH = """
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\\n"

    msgid "Item names"
    msgstr "Атаулар"

    msgid "Only in Russian"
    msgstr ""

    #, python-format
    msgid "%(n)s item found"
    msgid_plural "%(n)s items found"
    msgstr[0] ""
    msgstr[1] ""

    msgid "Nowhere translated"
    msgstr ""

    msgid "Password"
    msgstr ""
"""


@pytest.fixture
def built_locale(tmp_path):
    """A locale directory with a Russian and a partly translated Kazakh catalogue, built."""
    for language, text in {"ru": RUSSIAN, "kk": KAZAKH}.items():
        po_path = catalogue_path(tmp_path, language, "po")
        po_path.parent.mkdir(parents=True)
        po_path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    build_catalogues(tmp_path)
    # LANGUAGE_CODE "en" switches off Django's own runtime fallback to the default language,
    # so only the built catalogue can bring the Russian text.
    with override_settings(LOCALE_PATHS=[tmp_path], LANGUAGE_CODE="en"):
        yield tmp_path


@needs_msgfmt
def test_i18n_own_translation_wins(built_locale):
    with translation.override("kk"):
        assert translation.gettext("Item names") == "Атаулар"


@needs_msgfmt
def test_i18n_missing_string_shows_the_russian_text(built_locale):
    with translation.override("kk"):
        assert translation.gettext("Only in Russian") == "Только по-русски"


@needs_msgfmt
def test_i18n_missing_plural_uses_the_matching_russian_forms(built_locale):
    with translation.override("kk"):
        one = translation.ngettext("%(n)s item found", "%(n)s items found", 1) % {"n": 1}
        many = translation.ngettext("%(n)s item found", "%(n)s items found", 5) % {"n": 5}
    assert (one, many) == ("Найден 1 предмет", "Найдено 5 предметов")


@needs_msgfmt
def test_i18n_django_own_translation_beats_the_russian_fallback(built_locale):
    """django.contrib.auth translates "Password" into Kazakh; that shows, not the Russian."""
    with translation.override("kk"):
        shown = translation.gettext("Password")
    assert shown not in ("Пароль", "Password")


@needs_msgfmt
def test_i18n_string_missing_in_russian_too_shows_english(built_locale):
    with translation.override("kk"):
        assert translation.gettext("Nowhere translated") == "Nowhere translated"


def test_i18n_fallback_keeps_own_header_and_entries():
    own = {b"": b"Plural-Forms: nplurals=2; plural=(n > 1);\n", b"a": b"own a"}
    russian = {
        b"": b"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 2);\n",
        b"a": b"ru a",
        b"b": b"ru b",
        b"one\0many": b"ru0\0ru1\0ru2",
    }
    merged = with_fallback(own, russian)
    assert merged[b""] == own[b""]
    assert merged[b"a"] == b"own a"
    assert merged[b"b"] == b"ru b"
    # Armenian-style rule: form 0 (0 and 1) takes Russian "one", form 1 (2 and up) mostly "many"
    assert merged[b"one\0many"].split(b"\0") == [b"ru0", b"ru2"]


def test_i18n_plural_forms_map_to_the_russian_forms_of_the_same_counts():
    russian = {b"": RUSSIAN_HEADER}
    kazakh = {b"": b"Plural-Forms: nplurals=2; plural=(n != 1);\n"}
    belarusian = {b"": RUSSIAN_HEADER}
    assert plural_form_map(kazakh, russian) == [0, 2]
    assert plural_form_map(belarusian, russian) == [0, 1, 2]


@pytest.mark.parametrize("language", FALLBACK_LANGUAGES)
def test_i18n_shipped_catalogues_cover_every_russian_message(language):
    russian = read_mo(catalogue_path(locale_dir(), FALLBACK_SOURCE, "mo"))
    own = read_mo(catalogue_path(locale_dir(), language, "mo"))
    elsewhere = translated_by_django(language, excluded=locale_dir())
    assert set(russian) - set(own) - elsewhere == set()
