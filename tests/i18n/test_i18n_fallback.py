"""Missing strings of the member-state languages fall back to Russian, then to English."""

from __future__ import annotations

import textwrap

import pytest
from babel.messages.catalog import Catalog
from django.test import override_settings
from django.utils import translation

from katalog.core.translation import (
    FALLBACK_LANGUAGES,
    FALLBACK_SOURCE,
    build_catalogues,
    catalogue_path,
    locale_dir,
    message_key,
    messages,
    plural_form_map,
    read_compiled,
    translated_by_django,
    with_fallback,
)

RUSSIAN_RULE = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)

RUSSIAN = """
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Language: ru\\n"
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

    #, python-format
    msgid "%(n)s name"
    msgid_plural "%(n)s names"
    msgstr[0] "%(n)s наименование"
    msgstr[1] "%(n)s наименования"
    msgstr[2] "%(n)s наименований"

    msgid "Nowhere translated"
    msgstr ""

    msgid "Password"
    msgstr "Пароль"
"""

KAZAKH = """
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Language: kk\\n"
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

    #, python-format
    msgid "%(n)s name"
    msgid_plural "%(n)s names"
    msgstr[0] "%(n)s атау"
    msgstr[1] ""

    msgid "Nowhere translated"
    msgstr ""

    msgid "Password"
    msgstr ""
"""


@pytest.fixture
def built_locale(tmp_path):
    """A locale directory with a Russian and a partly translated Kazakh catalogue, built."""
    written = {}
    for language, text in {"ru": RUSSIAN, "kk": KAZAKH}.items():
        po_path = catalogue_path(tmp_path, language, "po")
        po_path.parent.mkdir(parents=True)
        po_path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        written[po_path] = po_path.read_bytes()
    build_catalogues(tmp_path)
    assert {path: path.read_bytes() for path in written} == written, "a .po was modified"
    # LANGUAGE_CODE "en" switches off Django's own runtime fallback to the default language,
    # so only the built catalogue can bring the Russian text.
    with override_settings(LOCALE_PATHS=[tmp_path], LANGUAGE_CODE="en"):
        yield tmp_path


def test_i18n_own_translation_wins(built_locale):
    with translation.override("kk"):
        assert translation.gettext("Item names") == "Атаулар"


def test_i18n_missing_string_shows_the_russian_text(built_locale):
    with translation.override("kk"):
        assert translation.gettext("Only in Russian") == "Только по-русски"


def test_i18n_missing_plural_uses_the_matching_russian_forms(built_locale):
    with translation.override("kk"):
        one = translation.ngettext("%(n)s item found", "%(n)s items found", 1) % {"n": 1}
        many = translation.ngettext("%(n)s item found", "%(n)s items found", 5) % {"n": 5}
    assert (one, many) == ("Найден 1 предмет", "Найдено 5 предметов")


def test_i18n_partly_translated_plural_shows_the_russian_forms(built_locale):
    """An empty form would show an empty string: the message falls back as a whole."""
    with translation.override("kk"):
        many = translation.ngettext("%(n)s name", "%(n)s names", 5) % {"n": 5}
    assert many == "5 наименований"


def test_i18n_django_own_translation_beats_the_russian_fallback(built_locale):
    """django.contrib.auth translates "Password" into Kazakh; that shows, not the Russian."""
    with translation.override("kk"):
        shown = translation.gettext("Password")
    assert shown not in ("Пароль", "Password")


def test_i18n_string_missing_in_russian_too_shows_english(built_locale):
    with translation.override("kk"):
        assert translation.gettext("Nowhere translated") == "Nowhere translated"


def catalogue(language: str, plural_forms: str, *entries: tuple) -> Catalog:
    """A catalogue with the given Plural-Forms rule and (msgid, msgstr) entries."""
    made = Catalog(locale=language, charset="utf-8")
    made.mime_headers = [("Plural-Forms", plural_forms)]
    for msgid, string in entries:
        made.add(msgid, string)
    return made


def test_i18n_fallback_keeps_own_header_and_entries():
    own = catalogue("hy", "nplurals=2; plural=(n > 1);", ("a", "own a"))
    russian = catalogue(
        "ru",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 2);",
        ("a", "ru a"),
        ("b", "ru b"),
        (("one", "many"), ("ru0", "ru1", "ru2")),
    )
    merged = with_fallback(own, russian)
    assert merged.plural_forms == own.plural_forms
    assert merged.get("a").string == "own a"
    assert merged.get("b").string == "ru b"
    # Armenian-style rule: form 0 (0 and 1) takes Russian "one", form 1 (2 and up) mostly "many"
    assert merged.get("one").string == ("ru0", "ru2")


def test_i18n_plural_forms_map_to_the_russian_forms_of_the_same_counts():
    russian = catalogue("ru", RUSSIAN_RULE)
    kazakh = catalogue("kk", "nplurals=2; plural=(n != 1);")
    armenian = catalogue("hy", "nplurals=2; plural=(n > 1);")
    belarusian = catalogue("be", RUSSIAN_RULE)
    assert plural_form_map(kazakh, russian) == [0, 2]
    assert plural_form_map(armenian, russian) == [0, 2]
    assert plural_form_map(belarusian, russian) == [0, 1, 2]


def compiled_keys(language: str) -> set:
    return {
        message_key(m)
        for m in messages(read_compiled(catalogue_path(locale_dir(), language, "mo")))
    }


@pytest.mark.parametrize("language", FALLBACK_LANGUAGES)
def test_i18n_shipped_catalogues_cover_every_russian_message(language):
    elsewhere = translated_by_django(language, excluded=locale_dir())
    assert compiled_keys(FALLBACK_SOURCE) - compiled_keys(language) - elsewhere == set()
