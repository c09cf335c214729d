"""`katalog openapi [-o FILE]` writes the API's OpenAPI document; `--check FILE` compares it with
a committed one (exit code 1 when they differ), so every API change shows in review."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from katalog.core.management.base import KatalogCommand


def document_text() -> str:
    from katalog.api.main import api

    return json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(KatalogCommand):
    help = _("Write the OpenAPI document of the API, or check a committed one against it.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, help=_("write it to this file"))
        parser.add_argument("--check", type=Path, metavar="FILE", help=_("compare with this file"))

    def handle(self, *args: Any, **options: Any) -> None:
        text = document_text()
        if options["check"]:
            committed = (
                options["check"].read_text(encoding="utf-8") if options["check"].exists() else ""
            )
            if committed != text:
                raise CommandError(
                    _(
                        "%(file)s differs from the API: run `katalog openapi -o %(file)s` and commit it"
                    )
                    % {"file": options["check"]},
                    returncode=1,
                )
            return
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            return
        sys.stdout.write(text)
