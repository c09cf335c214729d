"""`katalog screen`: screen one described item, or a whole parts list, for duplicates."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from katalog.core.management.base import KatalogCommand
from katalog.core.tables import CsvWriter
from katalog.screening.batch import screen_file
from katalog.screening.services import ReferenceInput, ScreeningInput, ScreeningResult, screen
from katalog.transfer.readers import count_rows


def parse_values(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        code, sep, raw = pair.partition("=")
        if not sep or not code.strip():
            raise CommandError(_("--value must look like CODE=reply, e.g. THDD=10mm"), returncode=2)
        values[code.strip().upper()] = raw.strip()
    return values


def format_result(result: ScreeningResult) -> list[str]:
    lines = [_("Verdict: %(verdict)s") % {"verdict": result.verdict}]
    for c in result.candidates:
        lines.append(f"{c.catalogue_number}  {c.score:.3f}  {c.verdict}  {c.item_name}")
        for e in c.evidence:
            lines.append(f"    {e.outcome:8} {e.detail}")
    return lines


class Command(KatalogCommand):
    help = (
        "Screen a parts list (CSV/XLSX/JSONL) or one item (--reference/--item-name) for duplicates."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="parts list to screen")
        parser.add_argument("-o", "--output", help="result CSV (default: standard output)")
        parser.add_argument("--errors", help="CSV of rejected lines (line, column, code, message)")
        parser.add_argument("--lang", default="en", help="language of explanations")
        parser.add_argument(
            "--locale", default="", help="how numbers are written (default: --lang)"
        )
        parser.add_argument(
            "--reference", action="append", default=[], help="reference number (repeatable)"
        )
        parser.add_argument(
            "--manufacturer", default="", help="manufacturer code of the references"
        )
        parser.add_argument("--manufacturer-name", default="", help="manufacturer name, if no code")
        parser.add_argument("--item-name", default="", help="item name code or name")
        parser.add_argument("--class", dest="supply_class", default="", help="supply class")
        parser.add_argument(
            "--value", action="append", default=[], help="CODE=reply, e.g. THDD=10mm"
        )
        parser.add_argument("--limit", type=int, default=5)
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        self.add_actor_argument(parser)
        self.add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            if options["file"]:
                self.screen_list(options)
            elif options["reference"] or options["item_name"]:
                self.screen_one(options)
            else:
                raise CommandError(_("Give a FILE, or --reference / --item-name"), returncode=2)

    def screen_one(self, options: dict[str, Any]) -> None:
        query = ScreeningInput(
            references=tuple(
                ReferenceInput(n, options["manufacturer"], options["manufacturer_name"])
                for n in options["reference"]
            ),
            item_name_code=options["item_name"],
            supply_class=options["supply_class"],
            characteristics=parse_values(options["value"]),
            locale=options["locale"] or options["lang"],
        )
        result = screen(query, reader=self.reading_user(options), limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(format_result(result)))

    def screen_list(self, options: dict[str, Any]) -> None:
        with ExitStack() as files:
            errors = None
            if options["errors"]:
                errors = CsvWriter(files.enter_context(_open(options["errors"])))
                errors.writerow(["line", "column", "code", "message"])

            def on_reject(line: int, column: str, code: str, message: str) -> None:
                if errors:
                    errors.writerow([line, column, code, message])
                else:
                    self.stderr.write(f"line {line} [{column}] {code}: {message}")

            out = (
                files.enter_context(_open(options["output"])) if options["output"] else self.stdout
            )
            total = None if options["no_progress"] else count_rows(Path(options["file"]))
            with self.progress(options, "screening lines", total) as shown:
                summary = screen_file(
                    options["file"],
                    out,
                    locale=options["locale"] or options["lang"],
                    lang=options["lang"],
                    on_progress=lambda done, _total: shown.reached(done),
                    on_reject=on_reject,
                    reader=self.reading_user(options),
                )
        report = _(
            "lines: %(lines)d, duplicate: %(duplicate)d, review: %(review)d, "
            "no duplicate: %(no_duplicate)d, not screened: %(not_screened)d, "
            "rejected: %(rejected)d"
        )
        # The summary goes where it does not mix with the result CSV.
        (self.stdout if options["output"] else self.stderr).write(report % summary.as_dict())


def _open(path: str) -> TextIO:
    return Path(path).open("w", newline="", encoding="utf-8")
