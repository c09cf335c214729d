"""The small .po reader the checks and the coverage report use."""

from __future__ import annotations

import textwrap

import pytest

from katalog.core.translation import coverage, read_po

PO = r"""
    # translator comment
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\n"

    #: web/templates/web/base.html:19
    #, python-format
    msgctxt "navigation"
    msgid "Classification"
    msgstr "ЕКПС"

    msgid ""
    "A long message "
    "on two lines with a \"quote\"\n"
    msgstr "Длинное сообщение с «кавычками»\n"

    #, fuzzy
    msgid "Guessed"
    msgstr "Угадано"

    msgid "%(n)s item"
    msgid_plural "%(n)s items"
    msgstr[0] "%(n)s предмет"
    msgstr[1] ""
    msgstr[2] "%(n)s предметов"

    #~ msgid "Gone"
    #~ msgstr "Удалено"
"""


@pytest.fixture
def po_file(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(textwrap.dedent(PO).lstrip(), encoding="utf-8")
    return path


def test_i18n_reader_keeps_contexts_continuations_and_escapes(po_file):
    entries = {e.msgid: e for e in read_po(po_file)}
    assert set(entries) == {
        "Classification",
        'A long message on two lines with a "quote"\n',
        "Guessed",
        "%(n)s item",
    }
    assert entries["Classification"].msgctxt == "navigation"
    assert entries["Classification"].flags == {"python-format"}
    assert entries['A long message on two lines with a "quote"\n'].msgstrs == [
        "Длинное сообщение с «кавычками»\n"
    ]
    assert entries["%(n)s item"].msgid_plural == "%(n)s items"
    assert entries["%(n)s item"].msgstrs == ["%(n)s предмет", "", "%(n)s предметов"]


def test_i18n_fuzzy_and_partly_translated_plurals_do_not_count(po_file):
    assert coverage(po_file) == (2, 4)
