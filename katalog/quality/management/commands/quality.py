"""`katalog quality rescore`: score every item; `katalog quality follow`: apply the changes;
`katalog quality snapshot`: record today's scores for the trend (the worker does it hourly)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from katalog.core.management.base import KatalogCommand
from katalog.quality.services import follow_changes, rescore_all, snapshot_take


class Command(KatalogCommand):
    help = "Compute the quality scores of the items."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["rescore", "follow", "snapshot"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rescore":
            count = rescore_all()
            snapshot_take()
            self.stdout.write(_("%(count)d items scored") % {"count": count})
        elif options["action"] == "snapshot":
            snapshot_take()
            self.stdout.write(_("Today's quality scores are recorded for the trend"))
        else:
            count = follow_changes()
            self.stdout.write(_("%(count)d changes applied") % {"count": count})
