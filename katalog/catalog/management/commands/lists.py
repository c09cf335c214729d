"""`katalog lists import LIST FILE`: put the items of a CSV file (`niin`, `note`) on a list of
preferred items or a restrictive list, each row through the same service as a single entry;
refused rows are reported with their line and the others kept. `katalog lists show` prints the
lists."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from katalog.catalog import list_selectors, selectors, services
from katalog.core.errors import KatalogError
from katalog.core.management.base import KatalogCommand

EXIT_ROWS_REFUSED = 1


class Command(KatalogCommand):
    help = _("Preferred items and restrictive lists: show them, load entries from a file.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "import", help=_("put the items of a CSV file (niin, note) on a list")
        )
        load.add_argument("list_id", type=int, help=_("the number of the list"))
        load.add_argument("file", help=_("a CSV file with the columns niin and note"))
        actions.add_parser("show", help=_("the lists, their kinds and validity"))
        for sub in actions.choices.values():
            self.add_actor_argument(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "handle_" + options["action"])(options)

    def handle_show(self, options: dict[str, Any]) -> None:
        reader = self.reading_user(options)
        after = None
        while True:
            page = list_selectors.item_list_list(reader=reader, after=after)
            for item_list in page.rows:
                valid_to = item_list.valid_to.isoformat() if item_list.valid_to else "…"
                self.stdout.write(
                    f"{item_list.pk}\t{item_list.kind}\t{item_list.bureau.key}\t"
                    f"{item_list.code}\t{item_list.valid_from.isoformat()}–{valid_to}\t"
                    f"{item_list.name}"
                )
            if page.next_key is None:
                return
            after = page.next_after

    def handle_import(self, options: dict[str, Any]) -> None:
        actor = self.acting_user(options)
        item_list = list_selectors.item_list_get(options["list_id"], reader=actor)
        path = Path(options["file"])
        added, refused = 0, 0
        with path.open(encoding="utf-8-sig", newline="") as source:
            rows = csv.DictReader(source)
            if "niin" not in (rows.fieldnames or []):
                raise CommandError(_("The file needs a column niin"))
            for row in rows:
                try:
                    item = selectors.item_get(row.get("niin") or "", reader=actor)
                    services.item_list_entry_add(
                        actor=actor, item_list=item_list, item=item, note=row.get("note") or ""
                    )
                    added += 1
                except KatalogError as exc:
                    refused += 1
                    self.stderr.write(
                        _("line %(line)d: %(code)s: %(message)s")
                        % {"line": rows.line_num, "code": exc.code, "message": exc.message}
                    )
        self.stdout.write(
            _("%(added)d put on list %(list)s, %(refused)d refused")
            % {"added": added, "list": item_list.code, "refused": refused}
        )
        if refused:
            raise CommandError(_("Some rows were refused"), returncode=EXIT_ROWS_REFUSED)
