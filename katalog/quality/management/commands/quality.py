"""`katalog quality rescore`: score every item; `katalog quality follow`: apply the changes;
`katalog quality snapshot`: record today's scores for the trend (the worker does it hourly);
`katalog quality reduction [-o FILE.xlsx]`: compute the nomenclature-reduction report;
`katalog quality rules --actor USER`: the rules in force for that person's bureau."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from katalog.core.management.base import KatalogCommand
from katalog.quality.services import follow_changes, rescore_all, snapshot_take


class Command(KatalogCommand):
    help = "Compute the quality scores of the items, or the nomenclature-reduction report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "action", choices=["rescore", "follow", "snapshot", "reduction", "rules"]
        )
        parser.add_argument(
            "-o", "--output", type=Path, help=_("reduction: where to write the workbook (XLSX)")
        )
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rescore":
            count = rescore_all()
            snapshot_take()
            self.stdout.write(_("%(count)d items scored") % {"count": count})
        elif options["action"] == "snapshot":
            snapshot_take()
            self.stdout.write(_("Today's quality scores are recorded for the trend"))
        elif options["action"] == "follow":
            count = follow_changes()
            self.stdout.write(_("%(count)d changes applied") % {"count": count})
        elif options["action"] == "rules":
            self._rules(options)
        else:
            self._reduction(options)

    def _rules(self, options: dict[str, Any]) -> None:
        """One line per rule in force: code, weight, whether active, version, what it asks."""
        from katalog.quality.selectors import rules_for

        for rule in rules_for(reader=self.acting_user(options)):
            version = f"{rule.version}" + (
                f"/{rule.setting_version}" if rule.setting_version else ""
            )
            state = _("active") if rule.active else _("switched off")
            self.stdout.write(f"{rule.code}\t{rule.weight}\t{state}\tv{version}\t{rule.message}")

    def _reduction(self, options: dict[str, Any]) -> None:
        """Run the report as a job of the person named (it covers what they may read), here
        and now, and print its figures; the job stays listed on their pages."""
        from katalog.jobs.selectors import job_file_path
        from katalog.jobs.services import job_execute, job_submit
        from katalog.quality.reduction import KIND
        from katalog.quality.reduction_selectors import reduction_report_of

        person = self.acting_user(options)
        job = job_submit(actor=person, kind=KIND, params={"lang": get_language() or "en"})
        job = job_execute(job.pk)
        report = reduction_report_of(job)
        if report is None or not report.figures:
            raise CommandError(job.message or job.state)
        figures = report.figures
        lines = [
            (_("Groups of probable duplicates"), figures["duplicates"]["clusters"]),
            (_("Items that could go (duplicates)"), figures["duplicates"]["spare"]),
            (_("Groups with the same key characteristics"),
             figures["same_characteristics"]["clusters"]),
            (_("Items that could go (same characteristics)"),
             figures["same_characteristics"]["spare"]),
            (_("Cancelled items still registered"), figures["cancelled_registered"]["items"]),
            (_("Items without users"), figures["without_users"]["items"]),
        ]  # fmt: skip
        for label, value in lines:
            self.stdout.write(f"{label}: {value}")
        if options.get("output"):
            shutil.copyfile(job_file_path(job, "result"), options["output"])
            self.stdout.write(_("Written to %(path)s") % {"path": options["output"]})
