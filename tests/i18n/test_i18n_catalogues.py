"""The interface catalogues: well-formed, placeholders kept, Russian complete, .mo files current."""

from __future__ import annotations

import re
import shutil

import pytest
from babel.messages.catalog import Catalog, Message
from django.conf import settings

from katalog.core.translation import (
    FALLBACK_LANGUAGES,
    build_catalogues,
    catalogue_path,
    is_translated,
    locale_dir,
    message_key,
    messages,
    read_catalogue,
    read_compiled,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TEMPLATE = locale_dir().parent / "web" / "templates" / "web" / "base.html"
# Strings that read the same in every language (an acronym).
SAME_EVERYWHERE = {"API"}
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sdrf]|\{[^{}]*\}")
# Plural forms of each language, as katalog/locale/README.md gives them.
PLURAL_FORMS = {"ru": 3, "be": 3}


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def po_catalogue(language: str) -> Catalog:
    """The `.po` of a language; a syntax error or a message defined twice fails here."""
    return read_catalogue(catalogue_path(locale_dir(), language, "po"))


def forms(message: Message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_every_language_has_a_catalogue_that_parses(language):
    catalogue = po_catalogue(language)
    assert catalogue.locale_identifier == language
    assert list(messages(catalogue)), f"{language}: no messages"


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_translations_keep_the_placeholders_of_the_source(language):
    wrong = []
    for message in messages(po_catalogue(language)):
        singular, plural = message.id if message.pluralizable else (message.id, message.id)
        for index, text in enumerate(forms(message)):
            if not text:
                continue
            source = plural if index > 0 else singular
            # a plural form may be used for n=1 in some languages: compare with the plural too
            allowed = {tuple(placeholders(source)), tuple(placeholders(plural))}
            if tuple(placeholders(text)) not in allowed:
                wrong.append((singular, text))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_plural_entries_have_as_many_forms_as_the_language(language):
    catalogue = po_catalogue(language)
    assert catalogue.num_plurals == PLURAL_FORMS.get(language, 2)
    # a form left out of the .po reads as an empty one: a plural entry is filled whole or not
    partly = [
        message.id
        for message in messages(catalogue)
        if message.pluralizable and any(forms(message)) and not all(forms(message))
    ]
    assert partly == []


def test_i18n_russian_is_complete():
    untranslated = [m.id for m in messages(po_catalogue("ru")) if not is_translated(m)]
    assert untranslated == []


def navigation_strings() -> list[str]:
    text = TEMPLATE.read_text(encoding="utf-8")
    found = re.findall(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""", text)
    return [message for _quote, message in found]


def test_i18n_navigation_strings_are_found_in_the_base_template():
    assert {"Search", "Log in", "Language"} <= set(navigation_strings())


@pytest.mark.parametrize("language", FALLBACK_LANGUAGES)
def test_i18n_navigation_is_translated_in_each_member_state_language(language):
    translations = {
        message.id: message.string
        for message in messages(po_catalogue(language))
        if not message.context and not message.pluralizable
    }
    missing = [
        message
        for message in navigation_strings()
        if not translations.get(message)
        or (translations[message] == message and message not in SAME_EVERYWHERE)
    ]
    assert missing == []


def compiled_messages(mo_path) -> tuple[str, dict]:
    """What gettext reads from a `.mo`: the plural rule and every message's forms."""
    catalogue = read_compiled(mo_path)
    texts = {message_key(m): tuple(forms(m)) for m in messages(catalogue)}
    return catalogue.plural_forms, texts


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
        assert compiled_messages(committed) == compiled_messages(mo_path), stale
        plural_forms = read_catalogue(committed.with_suffix(".po")).plural_forms
        assert compiled_messages(committed)[0] == plural_forms, f"{committed}: plural rule lost"
