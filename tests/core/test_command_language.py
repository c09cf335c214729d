"""Commands speak the language of the user's shell, like every gettext program."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from katalog.core.management.base import command_language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "kk_KZ.UTF-8"}, "kk"),
        ({"LC_ALL": "hy_AM", "LANG": "ru_RU.UTF-8"}, "hy"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "ru_RU.UTF-8", "KATALOG_LANGUAGE": "be"}, "be"),
    ],
)
def test_command_language_follows_the_shell_locale(environ, expected):
    assert command_language(environ) == expected


@pytest.mark.django_db
def test_command_errors_are_in_the_shell_language(monkeypatch):
    monkeypatch.delenv("KATALOG_LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    with pytest.raises(CommandError) as russian:
        call_command("lookup", "5310-57-000-000")
    monkeypatch.setenv("LANG", "C.UTF-8")
    with pytest.raises(CommandError) as english:
        call_command("lookup", "5310-57-000-000")
    assert "Invalid catalogue number" in str(english.value)
    assert "каталожный номер" in str(russian.value)
