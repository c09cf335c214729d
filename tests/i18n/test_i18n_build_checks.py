"""What `katalog i18n-build` counts as translated, and which `.po` files it refuses to compile."""

from __future__ import annotations

import textwrap

import pytest

from katalog.core.translation import CatalogueError, build_catalogues, catalogue_path, coverage

HEADER = r"""
    # translator comment
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\n"
    "Language: ru\n"
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
"""

PO = r"""
    #: web/templates/web/base.html:19
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

    #, python-format
    msgid "%(n)s item"
    msgid_plural "%(n)s items"
    msgstr[0] "%(n)s предмет"
    msgstr[1] ""
    msgstr[2] "%(n)s предметов"

    #~ msgid "Gone"
    #~ msgstr "Удалено"
"""


def write_po(directory, body: str):
    path = catalogue_path(directory, "ru", "po")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(HEADER).lstrip() + textwrap.dedent(body), encoding="utf-8")
    return path


def test_i18n_fuzzy_and_partly_translated_plurals_do_not_count(tmp_path):
    assert coverage(write_po(tmp_path, PO)) == (2, 4)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '#, python-format\nmsgid "%(n)s found"\nmsgstr "найдено %(count)s"\n',
            "unknown named placeholder",
        ),
        (
            '#, python-format\nmsgid "%(n)s found"\nmsgstr "найдено %s"\n',
            "different kinds",
        ),
        ('msgid "Search"\nmsgstr "Поиск"\n\nmsgid "Search"\nmsgstr "Найти"\n', "defined twice"),
        (
            'msgid "%(n)s item"\nmsgid_plural "%(n)s items"\n'
            + "".join(f'msgstr[{i}] "{i}"\n' for i in range(4)),
            "more translations than num_plurals",
        ),
        ('msgid "Search"\nmsgtxt "Поиск"\n', "misformatted keyword"),
    ],
)
def test_i18n_broken_catalogue_is_refused_and_nothing_is_written(tmp_path, body, reason):
    mo_path = write_po(tmp_path, PO).with_suffix(".mo")
    build_catalogues(tmp_path)
    before = mo_path.read_bytes()
    write_po(tmp_path, PO + "\n" + body)
    with pytest.raises(CatalogueError, match=reason):
        build_catalogues(tmp_path)
    assert mo_path.read_bytes() == before


def test_i18n_catalogue_without_a_language_is_refused(tmp_path):
    path = write_po(tmp_path, PO)
    path.write_text(path.read_text(encoding="utf-8").replace('"Language: ru\\n"\n', ""))
    with pytest.raises(CatalogueError, match="no language"):
        build_catalogues(tmp_path)
