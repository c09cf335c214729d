"""The `katalog` console command: a thin front over the project's management commands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "katalog.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["katalog", *argv])
    args[0] = "katalog"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
