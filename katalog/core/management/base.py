"""Base for katalog's commands: domain errors become a clear message and a stable exit code,
and messages speak the language of the user's shell."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from katalog.core.errors import KatalogError


def command_language(environ: os._Environ[str] | dict[str, str] = os.environ) -> str:
    """KATALOG_LANGUAGE when set, else the POSIX locale (LC_ALL, LC_MESSAGES, LANG).

    As with every gettext program, the C/POSIX locale or none at all means the untranslated
    (English) messages; a language katalog does not speak also falls back to English.
    """
    if environ.get("KATALOG_LANGUAGE"):
        return environ["KATALOG_LANGUAGE"]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            language = value.split(".")[0].split("@")[0].split("_")[0].lower()
            supported = {code for code, _name in settings.LANGUAGES}
            return language if language in supported else "en"
    return "en"


class KatalogCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            with translation.override(command_language()):
                return super().execute(*args, **options)
        except KatalogError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=exc.exit_code) from exc
