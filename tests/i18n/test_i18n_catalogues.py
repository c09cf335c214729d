"""The interface catalogues: well-formed, placeholders kept, Russian complete, .mo files current."""

from __future__ import annotations

import re
import shutil

import pytest
from django.conf import settings

from katalog.core.translation import (
    FALLBACK_LANGUAGES,
    build_catalogues,
    catalogue_path,
    locale_dir,
    read_mo,
    read_po,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TEMPLATE = locale_dir().parent / "web" / "templates" / "web" / "base.html"
# Strings that read the same in every language (an acronym).
SAME_EVERYWHERE = {"API"}
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sdrf]|\{[^{}]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def po_entries(language: str):
    return read_po(catalogue_path(locale_dir(), language, "po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_every_language_has_a_catalogue_that_parses(language):
    entries = po_entries(language)
    assert entries, f"{language}: no messages"
    assert len({(e.msgctxt, e.msgid) for e in entries}) == len(entries)


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_translations_keep_the_placeholders_of_the_source(language):
    wrong = []
    for entry in po_entries(language):
        for index, text in enumerate(entry.msgstrs):
            if not text:
                continue
            source = entry.msgid_plural if entry.msgid_plural and index > 0 else entry.msgid
            # a plural form may be used for n=1 in some languages: compare with the plural too
            plural = entry.msgid_plural or source
            allowed = {tuple(placeholders(source)), tuple(placeholders(plural))}
            if tuple(placeholders(text)) not in allowed:
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_plural_entries_have_as_many_forms_as_the_language(language):
    header = read_mo(catalogue_path(locale_dir(), language, "mo"))[b""].decode()
    nplurals = int(re.search(r"nplurals=(\d+)", header).group(1))
    for entry in po_entries(language):
        if entry.msgid_plural:
            assert len(entry.msgstrs) == nplurals, entry.msgid


def test_i18n_russian_is_complete():
    untranslated = [e.msgid for e in po_entries("ru") if not e.translated]
    assert untranslated == []


def navigation_strings() -> list[str]:
    text = TEMPLATE.read_text(encoding="utf-8")
    found = re.findall(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""", text)
    return [message for _quote, message in found]


def test_i18n_navigation_strings_are_found_in_the_base_template():
    assert {"Search", "Log in", "Language"} <= set(navigation_strings())


@pytest.mark.parametrize("language", FALLBACK_LANGUAGES)
def test_i18n_navigation_is_translated_in_each_member_state_language(language):
    translations = {e.msgid: e.msgstrs[0] for e in po_entries(language) if not e.msgctxt}
    missing = [
        message
        for message in navigation_strings()
        if not translations.get(message)
        or (translations[message] == message and message not in SAME_EVERYWHERE)
    ]
    assert missing == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
def test_i18n_compiled_catalogues_are_up_to_date(tmp_path):
    """The committed .mo files are what `katalog i18n-build` makes of the committed .po files."""
    for po_path in locale_dir().glob("*/LC_MESSAGES/django.po"):
        copy = tmp_path / po_path.relative_to(locale_dir())
        copy.parent.mkdir(parents=True)
        shutil.copy(po_path, copy)
    built = build_catalogues(tmp_path)
    assert {p.relative_to(tmp_path) for p in built} == {
        p.relative_to(locale_dir()) for p in locale_dir().glob("*/LC_MESSAGES/django.mo")
    }
    for mo_path in built:
        committed = locale_dir() / mo_path.relative_to(tmp_path)
        stale = f"{committed} is stale: run katalog i18n-build"
        assert read_mo(committed) == read_mo(mo_path), stale
