"""The `katalog` console command: a thin front over the project's management commands.

`katalog --help` lists katalog's own commands, grouped; Django's own stay reachable as
`katalog django COMMAND` (and at the top level, for scripts that call them so)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Commands that may run before `katalog init` has made the database.
NO_DATABASE_NEEDED = frozenset(
    {
        "init", "migrate", "help", "--help", "-h", "--version", "version", "status",
        "makemigrations", "i18n-build", "openapi", "check", "test", "shell", "dbshell",
        "collectstatic", "compilemessages", "makemessages", "diffsettings", "startapp",
        "startproject", "sqlmigrate", "showmigrations", "generate", "bench", "django",
    }
)  # fmt: skip
# Commands that make the data directory.
CREATES_DATA = frozenset({"init", "migrate", "generate", "bench", "collectstatic"})
NOT_INITIALISED_EXIT = 3
HELP = frozenset({"help", "--help", "-h"})
# katalog's own commands as `katalog --help` lists them; a command of a katalog app missing
# here is listed under "other".
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("catalogue", ("lookup", "search", "lists", "generate", "quality", "reindex")),
    ("screening", ("screen", "screening_keys")),
    ("import/export", ("import", "export")),
    ("classifiers", ("classifier",)),
    ("exchange", ("node", "exchange")),
    (
        "administration",
        ("init", "status", "serve", "worker", "user", "token", "audit", "bench", "openapi",
         "i18n-build"),
    ),
)  # fmt: skip


def _sqlite_file() -> Path | None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and database["NAME"] != ":memory:":
        return Path(database["NAME"])
    return None


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "katalog.config.settings")
    import django
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["katalog", *argv])
    args[0] = "katalog"
    djangos = len(args) > 1 and args[1] == "django"
    if djangos:
        del args[1]
    django.setup()
    command = args[1] if len(args) > 1 else "help"
    if command == "--version":
        _print_version()
        return
    if command in HELP and len(args) == 2 and not djangos:
        _print_help()
        return
    database = _sqlite_file()
    if database is not None:
        if command in CREATES_DATA:
            database.parent.mkdir(parents=True, exist_ok=True)
        elif command not in NO_DATABASE_NEEDED and not database.exists():
            _not_initialised(str(database))
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(args)
    except BrokenPipeError:
        # The reader of the output went away (`katalog exchange problems | head`): stop quietly.
        sys.stderr.close()
        os._exit(0)
    except (OperationalError, ProgrammingError) as exc:
        # A database made but never migrated: "no such table" (SQLite), "does not exist"
        # (PostgreSQL).
        if "no such table" not in str(exc) and "does not exist" not in str(exc):
            raise
        _not_initialised(settings_database_name())


def _own_commands() -> dict[str, str]:
    """katalog's commands (not Django's), each with the first line of its help."""
    from django.core.management import get_commands, load_command_class

    found = {}
    for name, app in get_commands().items():
        if app.startswith("katalog"):
            text = load_command_class(app, name).help or ""
            found[name] = text.strip().splitlines()[0] if text.strip() else ""
    return found


def _print_help() -> None:
    own = _own_commands()
    lines = ["usage: katalog COMMAND [options]   (katalog COMMAND --help for its options)", ""]
    listed: set[str] = set()
    for group, names in GROUPS:
        present = [n for n in names if n in own]
        if present:
            lines.append(f"{group}:")
            lines += [f"  {n:<16}{own[n]}" for n in present]
            listed.update(present)
    rest = sorted(set(own) - listed)
    if rest:
        lines.append("other:")
        lines += [f"  {n:<16}{own[n]}" for n in rest]
    lines += ["", "Django's own commands: katalog django help (run as katalog django COMMAND)."]
    sys.stdout.write("\n".join(lines) + "\n")


def _print_version() -> None:
    from django.conf import settings

    from katalog import __version__

    sys.stdout.write(f"katalog {__version__}\ndata directory: {settings.DATA_DIR}\n")


def settings_database_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


def _not_initialised(where: str) -> None:
    from django.utils.translation import gettext as _

    sys.stderr.write(
        _(
            "katalog has no initialised database at %(where)s: run `katalog init` first (or "
            "set KATALOG_DATA_DIR to the data directory of an installation)"
        )
        % {"where": where}
        + "\n"
    )
    raise SystemExit(NOT_INITIALISED_EXIT)


if __name__ == "__main__":
    main()
