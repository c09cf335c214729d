"""Base for katalog's commands: domain errors become a clear message and a stable exit code,
and messages speak the language of the user's shell."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from katalog.core.actors import SYSTEM_OPERATOR, Actor, Interface, acting_through
from katalog.core.errors import CoreErrorCode, KatalogError, NotFound, ValidationFailed
from katalog.core.progress import Shown, progress_shown

if TYPE_CHECKING:
    from katalog.accounts.models import User

ACTOR_ENV = "KATALOG_ACTOR"


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
    """Base of katalog's commands. A command that changes catalogue data acts for a person:
    `--actor USERNAME` (or KATALOG_ACTOR), whose roles decide what the command may do. A command
    that only reads reads as that person or, without one, as the installation's operator, who
    sees everything (they hold the database anyway)."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            with translation.override(command_language()), acting_through(Interface.CLI):
                return super().execute(*args, **options)
        except KatalogError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=exc.exit_code) from exc

    @staticmethod
    def add_actor_argument(parser: Any, *, from_environment: bool = True) -> None:
        parser.add_argument(
            "--actor",
            default=os.environ.get(ACTOR_ENV, "") if from_environment else "",
            help=_("the user name of the person acting (default: $KATALOG_ACTOR)")
            if from_environment
            else _("the user name of the administrator acting (default: the operator)"),
        )

    @staticmethod
    def add_progress_argument(parser: Any) -> None:
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help=_("do not show how far the command is (a bar on a terminal, lines otherwise)"),
        )

    def progress(
        self, options: dict[str, Any], description: str, total: int | None = None
    ) -> AbstractContextManager[Shown]:
        """How far this long command is, on standard error (see `katalog.core.progress`)."""
        return progress_shown(
            self.stderr, description, total, enabled=not options.get("no_progress")
        )

    @staticmethod
    def acting_user(options: dict[str, Any]) -> User:
        """The person a changing command acts for."""
        from katalog.accounts.models import User

        name = (options.get("actor") or "").strip()
        if not name:
            raise ValidationFailed(
                _("Say who acts: --actor USERNAME (or set KATALOG_ACTOR)"),
                code=CoreErrorCode.ACTOR_REQUIRED,
            )
        user = User.objects.filter(username=name, is_active=True).select_related("bureau").first()
        if user is None:
            raise NotFound(
                _("No active user %(name)s") % {"name": name}, code=CoreErrorCode.USER_NOT_FOUND
            )
        return user

    @classmethod
    def reading_user(cls, options: dict[str, Any]) -> Actor:
        """Who a reading command reads as: the named person, else the operator."""
        if (options.get("actor") or "").strip():
            return cls.acting_user(options)
        return SYSTEM_OPERATOR
