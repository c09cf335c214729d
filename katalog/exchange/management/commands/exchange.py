"""`katalog exchange export|import|pull|status|digest|snapshot|problems`: the exchange of signed
events with the other installations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.core.management.base import KatalogCommand
from katalog.exchange import feed, http, nats_cli, packages
from katalog.exchange.inbox import ReceiveReport
from katalog.exchange.outbox import full_catalogue_emit, reference_data_emit
from katalog.exchange.selectors import exchange_status, local_node, problem_list


class Command(KatalogCommand):
    help = _("Exchange signed changes with the other installations.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help=_("write a package of events for a node"))
        export.add_argument("--to", required=True, metavar="NODE")
        export.add_argument("--since", type=int, default=0, metavar="SEQ")
        export.add_argument("-o", "--output", required=True, metavar="FILE")
        imported = actions.add_parser("import", help=_("verify a package and apply its events"))
        imported.add_argument("file")
        actions.add_parser("pull", help=_("read and apply the new events of every peer"))
        actions.add_parser("status", help=_("show where this node stands with each peer"))
        actions.add_parser("digest", help=_("print a digest of the shared data"))
        actions.add_parser(
            "snapshot", help=_("send the whole shared catalogue as events (a first exchange)")
        )
        actions.add_parser("problems", help=_("list the events that were not applied"))
        nats_cli.parsers_add(actions)  # nats-setup, nats-publish, nats-pull

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"].startswith(nats_cli.PREFIX):
            nats_cli.handle(options["action"], options, self.stdout)
            return
        getattr(self, "_" + options["action"])(options)

    def _export(self, options: dict[str, Any]) -> None:
        manifest = packages.package_export(
            to=options["to"], path=Path(options["output"]), since=options["since"]
        )
        self.stdout.write(
            _("%(count)d events for %(to)s written to %(file)s")
            % {"count": manifest["count"], "to": manifest["to"], "file": options["output"]}
        )

    def _import(self, options: dict[str, Any]) -> None:
        manifest, report = packages.package_import(Path(options["file"]))
        self.stdout.write(
            _("Package of %(sender)s: %(count)d events")
            % {"sender": manifest["from"], "count": manifest["count"]}
        )
        self._report(report)

    def _report(self, report: ReceiveReport) -> None:
        self.stdout.write(
            _(
                "%(applied)d applied, %(duplicates)d already here, %(waiting)d waiting, %(problems)d problems"
            )
            % vars(report)
        )

    def _pull(self, options: dict[str, Any]) -> None:
        for name, result in http.pull_all().items():
            if isinstance(result, str):
                self.stderr.write(f"{name}: {result}")
            else:
                self.stdout.write(f"{name}: ", ending="")
                self._report(result)

    def _status(self, options: dict[str, Any]) -> None:
        node = local_node()
        self.stdout.write(
            _("Node %(name)s of bureau %(bureau)s, last event %(seq)d")
            % {
                "name": node.name,
                "bureau": node.bureau.key,
                "seq": feed.origins().get(node.name, 0),
            }
        )
        for row in exchange_status():
            lag = _("unknown") if row.lag_seconds is None else f"{row.lag_seconds:.0f} s"
            waits = _("waits for %(seq)d") % {"seq": row.waiting_for} if row.waiting_for else ""
            self.stdout.write(
                _(
                    "%(origin)s: applied %(applied)d, received %(received)d, lag %(events)d events, %(lag)s, transport %(transport)s, problems %(problems)d"
                )
                % {
                    "origin": row.origin,
                    "applied": row.applied_seq,
                    "received": row.received_seq,
                    "events": row.lag_events,
                    "lag": lag,
                    "transport": row.transport or "—",
                    "problems": row.problems,
                }
                + (f"; {waits}" if waits else "")
            )

    def _digest(self, options: dict[str, Any]) -> None:
        digest = feed.shared_digest()
        self.stdout.write(
            _("%(digest)s  (%(items)d items, %(manufacturers)d manufacturers)") % digest
        )

    def _snapshot(self, options: dict[str, Any]) -> None:
        at = timezone.now()
        with transaction.atomic():
            # At the centre's node the reference data first: the items name it.
            count = reference_data_emit(author="system:operator", at=at)
            count += full_catalogue_emit(author="system:operator", at=at)
        self.stdout.write(_("%(count)d events written") % {"count": count})

    def _problems(self, options: dict[str, Any]) -> None:
        for problem in problem_list():
            self.stdout.write(
                json.dumps(
                    {
                        "origin": problem.origin,
                        "seq": problem.seq,
                        "rule": problem.get_kind_display(),
                        "object": f"{problem.object_type} {problem.object_key}".strip(),
                        "detail": problem.detail,
                        "at": problem.at.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
