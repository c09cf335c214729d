"""`katalog exchange_nats setup|publish|pull`: the exchange over NATS JetStream (the same
sub-commands as `katalog exchange nats-setup|nats-publish|nats-pull`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from katalog.core.management.base import KatalogCommand
from katalog.exchange import nats_cli


class Command(KatalogCommand):
    help = _("The exchange over NATS JetStream.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        nats_cli.parsers_add(actions, prefix="")

    def handle(self, *args: Any, **options: Any) -> None:
        nats_cli.handle(options["action"], options, self.stdout, prefix="")
