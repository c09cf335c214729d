"""`katalog i18n-build`: compile the interface catalogues with the Russian fallback.

With `--extract`, first collect the strings marked for translation into every language's `.po`
(Django's makemessages, run from the package directory so the catalogues land in
`katalog/locale`); translations already made are kept.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import CommandError, call_command

from katalog.core.management.base import KatalogCommand
from katalog.core.translation import (
    FALLBACK_LANGUAGES,
    CatalogueError,
    build_catalogues,
    coverage,
    locale_dir,
)

IGNORED = [".venv/*", "tests/*", "var/*", "build/*"]


class Command(KatalogCommand):
    help = "Compile the interface translations (.po → .mo); missing strings fall back to Russian."
    requires_system_checks: list[str] = []  # needs only the locale files, not URLs or models

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--extract", action="store_true", help="first update the .po files from the source code"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["extract"]:
            self.extract()
        try:
            built = build_catalogues()
        except CatalogueError as exc:  # a .po with bad syntax, a duplicate or a broken placeholder
            raise CommandError(str(exc)) from exc
        for mo_path in built:
            language = mo_path.parent.parent.name
            translated, total = coverage(mo_path.with_suffix(".po"))
            if language == "en":  # the source language: its strings are shown as written
                continue
            falls_back = language in FALLBACK_LANGUAGES
            gaps = f", {total - translated} shown in Russian" if falls_back else ""
            self.stdout.write(f"{language}: {translated}/{total} translated{gaps}")

    def extract(self) -> None:
        languages = [code for code, _name in settings.LANGUAGES]
        previous = os.getcwd()
        os.chdir(locale_dir().parent)  # makemessages writes into ./locale of the current directory
        try:
            call_command("makemessages", locale=languages, ignore_patterns=IGNORED, verbosity=0)
        finally:
            os.chdir(previous)
