"""`katalog audit verify`: recompute the hash chain of the audit log and name the first broken
entry (exit code 7 when the chain is broken)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from katalog.audit.selectors import audit_verify
from katalog.core.management.base import KatalogCommand

CHAIN_BROKEN_EXIT = 7


class Command(KatalogCommand):
    help = _("Check the audit log's hash chain.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help=_("recompute the chain and name the first broken entry"))

    def handle(self, *args: Any, **options: Any) -> None:
        check = audit_verify()
        if not check.ok:
            raise CommandError(
                _(
                    "Audit log broken at entry %(seq)d: %(problem)s (%(checked)d entries before it are intact)"
                )
                % {"seq": check.broken_seq, "problem": check.message(), "checked": check.checked},
                returncode=CHAIN_BROKEN_EXIT,
            )
        self.stdout.write(
            _("Audit log intact: %(count)d entries checked") % {"count": check.checked}
        )
