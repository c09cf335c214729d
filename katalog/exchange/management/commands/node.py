"""`katalog node init|show|add`: this installation's identity and its registered peers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from katalog.core.actors import SYSTEM_OPERATOR
from katalog.core.errors import ValidationFailed
from katalog.core.management.base import KatalogCommand
from katalog.exchange.errors import ExchangeError
from katalog.exchange.selectors import local_node, node_list
from katalog.exchange.services import node_add, node_init


class Command(KatalogCommand):
    help = _("This installation's node identity and its peers.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        init = actions.add_parser("init", help=_("create this installation's node key pair"))
        init.add_argument("--bureau", required=True)
        init.add_argument("--name", required=True)
        show = actions.add_parser("show", help=_("show this node and its registered peers"))
        show.add_argument("--public-key", metavar="FILE", default="")
        add = actions.add_parser("add", help=_("register a peer node"))
        add.add_argument("name")
        add.add_argument("--bureau", required=True)
        add.add_argument("--key", metavar="FILE", required=True)
        add.add_argument("--url", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "init":
            node = node_init(
                actor=SYSTEM_OPERATOR, bureau_key=options["bureau"], name=options["name"]
            )
            self.stdout.write(
                _("Node %(name)s of bureau %(bureau)s created")
                % {"name": node.name, "bureau": node.bureau.key}
            )
        elif action == "show":
            node = local_node()
            if options["public_key"]:
                Path(options["public_key"]).write_text(node.public_key + "\n", encoding="ascii")
            for peer in node_list():
                mark = "*" if peer.is_local else " "
                self.stdout.write(
                    f"{mark} {peer.name}  {peer.bureau.key}  {peer.public_key}  {peer.url}".rstrip()
                )
        else:
            try:
                text = Path(options["key"]).read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as exc:
                raise ValidationFailed(
                    _("The key file cannot be read"), code=ExchangeError.NODE_KEY_INVALID
                ) from exc
            peer = node_add(
                actor=SYSTEM_OPERATOR,
                name=options["name"],
                bureau_key=options["bureau"],
                public_key=text,
                url=options["url"],
            )
            self.stdout.write(_("Node %(name)s registered") % {"name": peer.name})
