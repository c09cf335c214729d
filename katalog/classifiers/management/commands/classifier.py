"""`katalog classifier ...`: the classification server from the command line.

Thin over the selectors and services; domain errors print their message and exit non-zero.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from katalog.classifiers import selectors, services
from katalog.classifiers.files import render
from katalog.classifiers.loaders import load_shipped_classifiers
from katalog.classifiers.publish import publish
from katalog.core.actors import SYSTEM_OPERATOR, Actor
from katalog.core.errors import KatalogError
from katalog.core.i18n import pick_text
from katalog.core.management.base import KatalogCommand


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Command(KatalogCommand):
    help = "Query, import and export economic-activity classifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", default=None, help="Language of titles (en, ru, ar…).")
        self.add_actor_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Classifications and their versions.")
        sub.add_parser("load", help="Load the shipped classifications (idempotent).")
        sub.add_parser("findings", help="Defects found in the shipped source data.")
        p = sub.add_parser("codes", help="Codes of a version (or of a classification at a date).")
        p.add_argument("version")
        p.add_argument("--date", type=_date)
        p.add_argument("--level")
        p = sub.add_parser("path", help="A code's path to the top.")
        p.add_argument("version")
        p.add_argument("code")
        p = sub.add_parser("children", help="Children of a code (top level without a code).")
        p.add_argument("version")
        p.add_argument("code", nargs="?")
        p = sub.add_parser("search", help="Search titles in any language and script.")
        p.add_argument("query")
        p.add_argument("--version")
        p.add_argument("--date", type=_date)
        p = sub.add_parser("changes", help="Changes from one version to another.")
        p.add_argument("source")
        p.add_argument("target")
        p = sub.add_parser("correspond", help="What a code corresponds to in another version.")
        p.add_argument("code")
        p.add_argument("--from", dest="source", required=True)
        p.add_argument("--to", dest="target", required=True)
        p.add_argument("--date", type=_date)
        p.add_argument("--all", action="store_true", help="Every target, not only the best.")
        p = sub.add_parser(
            "compose-table", help="A whole composed table between two versions (CSV/XLSX/JSON)."
        )
        p.add_argument("source")
        p.add_argument("target")
        p.add_argument("--date", type=_date)
        p.add_argument("--all", action="store_true", help="Every target, not only the best.")
        p.add_argument("-o", "--output", type=Path, required=True, help="FILE.csv|.xlsx|.json")
        p = sub.add_parser("publish", help="A version as a PDF (print) or DOCX (editing).")
        p.add_argument("version")
        p.add_argument("--language", dest="doc_language", default="ru")
        p.add_argument("-o", "--output", type=Path, required=True, help="FILE.pdf or FILE.docx")
        p = sub.add_parser("amend", help="Record amendments of a version from CSV or XLSX.")
        p.add_argument("version")
        p.add_argument("file", type=Path)
        p = sub.add_parser("amendments", help="Amendments recorded for a version.")
        p.add_argument("version")
        p = sub.add_parser("import-variant", help="Import a variant of a version (CSV/XLSX).")
        p.add_argument("file", type=Path)
        p.add_argument("--version", dest="of_version", required=True)
        p.add_argument("--slug", required=True)
        p.add_argument("--name", required=True)
        p = sub.add_parser("manufacturers", help="Manufacturers doing an activity, all states.")
        p.add_argument("code")
        p.add_argument("--in", dest="version", required=True)
        p.add_argument("--date", type=_date)
        p = sub.add_parser("import", help="Import a new version from CSV or XLSX.")
        p.add_argument("file", type=Path)
        p.add_argument("--classification", required=True)
        p.add_argument("--slug", required=True)
        p.add_argument("--name", required=True)
        p.add_argument("--valid-from", type=_date, required=True)
        p.add_argument("--valid-to", type=_date)
        p.add_argument("--status", default="published")
        p = sub.add_parser(
            "new-control-list", help="Create an export-control list to import versions into."
        )
        p.add_argument("--slug", required=True)
        p.add_argument("--name", required=True, help="Its name in English")
        p.add_argument("--name-ru", default="", help="Its name in Russian")
        p.add_argument("--owner", default="", help="Who keeps the list, e.g. RU")
        p = sub.add_parser("import-table", help="Import a correspondence table from CSV/XLSX.")
        p.add_argument("file", type=Path)
        p.add_argument("--slug", required=True)
        p.add_argument("--from", dest="source", required=True)
        p.add_argument("--to", dest="target", required=True)
        p.add_argument("--kind", default="official", choices=["official", "derived"])
        p = sub.add_parser("export", help="Export a version as CSV, XLSX or JSON.")
        p.add_argument("version")
        p.add_argument("--format", default="csv", choices=["csv", "xlsx", "json"])
        p.add_argument("--output", type=Path)
        p = sub.add_parser("export-table", help="Export a correspondence table.")
        p.add_argument("table")
        p.add_argument("--format", default="csv", choices=["csv", "xlsx", "json"])
        p.add_argument("--output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        self.language = options["language"]
        self.options = options
        try:
            getattr(self, "do_" + options["action"].replace("-", "_"))(options)
        except KatalogError as exc:
            details = "".join(f"\n  {e.field}: {e.code}: {e.message}" for e in exc.errors)
            raise CommandError(f"{exc.code}: {exc}{details}", returncode=exc.exit_code) from exc

    def _actor(self) -> Actor:
        """Who imports or amends: the person named with --actor, else the operator (who holds
        the database)."""
        if (self.options.get("actor") or "").strip():
            return self.acting_user(self.options)
        return SYSTEM_OPERATOR

    def _title(self, names: dict[str, str]) -> str:
        return pick_text(names, self.language)

    def do_list(self, options: dict[str, Any]) -> None:
        for c in selectors.classification_list():
            self.stdout.write(f"{c.slug:8} {self._title(c.names)}")
            for v in c.versions.all():
                until = v.valid_to.isoformat() if v.valid_to else "…"
                self.stdout.write(
                    f"  {v.slug:10} {v.valid_from.isoformat()} – {until:10} {v.status:9} "
                    f"{v.items.count():5} codes  {self._title(v.names)}"
                )

    def do_load(self, options: dict[str, Any]) -> None:
        result = load_shipped_classifiers(stdout=self.stdout)
        self.stdout.write(json.dumps(result["created"]))
        self.stdout.write(f"{len(result['findings'])} finding(s); see `classifier findings`.")

    def do_findings(self, options: dict[str, Any]) -> None:
        for f in selectors.finding_list():
            where = f"{f.source_file}:{f.line}" if f.line else (f.table.slug if f.table else "")
            self.stdout.write(f"{f.code:18} {where:24} {f.item_code:8} {f.message} [{f.action}]")

    def _items(self, items: Any) -> None:
        for i in items:
            self.stdout.write(f"{i.code:10} {i.level.slug:10} {self._title(i.names)}")

    def do_codes(self, options: dict[str, Any]) -> None:
        version = selectors.version_resolve(ref=options["version"], on=options["date"])
        self._items(selectors.items_at(version=version, on=options["date"], level=options["level"]))

    def do_path(self, options: dict[str, Any]) -> None:
        version = selectors.version_resolve(ref=options["version"])
        self._items(
            selectors.item_path(item=selectors.item_get(version=version, code=options["code"]))
        )

    def do_children(self, options: dict[str, Any]) -> None:
        version = selectors.version_resolve(ref=options["version"])
        parent = (
            selectors.item_get(version=version, code=options["code"]) if options["code"] else None
        )
        self._items(selectors.item_children(version=version, item=parent))

    def do_search(self, options: dict[str, Any]) -> None:
        version = selectors.version_resolve(ref=options["version"]) if options["version"] else None
        for i in selectors.item_search(query=options["query"], version=version, on=options["date"]):
            self.stdout.write(f"{i.version.slug:9} {i.code:10} {self._title(i.names)}")

    def do_changes(self, options: dict[str, Any]) -> None:
        result = selectors.changes_between(
            source=selectors.version_resolve(ref=options["source"]),
            target=selectors.version_resolve(ref=options["target"]),
            language=self.language,
        )
        for c in result.changes:
            title = c.target_title or c.source_title
            self.stdout.write(
                f"{c.kind:8} {','.join(c.source_codes) or '-':24} → "
                f"{','.join(c.target_codes) or '-':24} {title}"
            )

    def do_correspond(self, options: dict[str, Any]) -> None:
        source = selectors.version_resolve(ref=options["source"], on=options["date"])
        target = selectors.version_resolve(ref=options["target"], on=options["date"])
        result = selectors.correspond(
            item=selectors.item_get(version=source, code=options["code"]),
            target=target,
            all_targets=options["all"],
        )
        route = " → ".join(
            f"{s.table.slug}{' (reversed)' if s.reverse else ''} [{s.table.kind}]"
            for s in result.route
        )
        self.stdout.write(f"route: {route}")
        if result.via_ancestor:
            self.stdout.write(f"(through ancestor {result.via_ancestor.code})")
        nodes = result.composition.nodes
        for t in result.matches:
            rolled = f" {t.children_supporting}/{t.children} children" if t.children else ""
            self.stdout.write(
                f"{t.rank:3} {t.node.code:10} {t.support:8} {t.confidence:.2f}{rolled}  "
                f"{self._title(t.node.names)}"
            )
            self.stdout.write(f"      {selectors.chain_text(t.best_trail.hops, nodes)}")
        hidden = len(result.targets) - len(result.matches)
        if hidden:
            self.stdout.write(f"-- {hidden} less supported target(s) not shown; --all shows them")

    def do_compose_table(self, options: dict[str, Any]) -> None:
        source = selectors.version_resolve(ref=options["source"], on=options["date"])
        target = selectors.version_resolve(ref=options["target"], on=options["date"])
        path: Path = options["output"]
        fmt = path.suffix.lstrip(".").lower()
        columns, rows = selectors.composed_export_rows(
            source=source, target=target, all_targets=options["all"], language=self.language
        )
        content = render(rows, fmt=fmt, columns=columns, sheet=f"{source.slug}-{target.slug}")
        path.write_bytes(content)
        codes = len({r["source_code"] for r in rows})
        self.stdout.write(f"Wrote {path}: {len(rows)} rows for {codes} codes of {source.slug}.")

    def do_publish(self, options: dict[str, Any]) -> None:
        version = selectors.version_resolve(ref=options["version"])
        path: Path = options["output"]
        document = publish(
            version=version, language=options["doc_language"], fmt=path.suffix.lstrip(".").lower()
        )
        path.write_bytes(document.content)
        self.stdout.write(f"Wrote {path} ({len(document.content):,} bytes).")

    def do_amend(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        done = services.amendments_import(
            version=options["version"], content=_read(path), filename=path.name, actor=self._actor()
        )
        for a in done:
            self.stdout.write(
                f"{a.number} in force from {a.in_force_from.isoformat()}: "
                f"{a.changes.count()} code(s)"
            )

    def do_amendments(self, options: dict[str, Any]) -> None:
        version = selectors.version_resolve(ref=options["version"])
        note = selectors.as_published_text(version, self.language)
        if note:
            self.stdout.write(note)
        for a in selectors.amendment_list(version=version):
            self.stdout.write(
                f"{a.number} {a.in_force_from.isoformat()} {self._title(a.legal_act)}"
            )
            for c in a.changes.all():
                self.stdout.write(
                    f"    {c.kind:8} {c.item.code:10} {self._title(c.new_names or c.old_names)}"
                )

    def do_import_variant(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        variant = services.variant_import(
            version=options["of_version"],
            slug=options["slug"],
            names={"en": options["name"]},
            content=_read(path),
            filename=path.name,
            actor=self._actor(),
        )
        self.stdout.write(f"Imported variant {variant.slug}: {variant.items.count()} codes.")

    def do_manufacturers(self, options: dict[str, Any]) -> None:
        for m in selectors.manufacturers_doing(
            code=options["code"], version_ref=options["version"], on=options["date"]
        ):
            a = m.activity
            self.stdout.write(
                f"{a.manufacturer.code} {a.manufacturer.country_id or '--'} "
                f"{a.item.version.slug}:{a.item.code} {'primary' if a.is_primary else 'secondary'}"
                f"  via {m.via}  {self._title(a.manufacturer.names)}"
            )

    def do_import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        version = services.version_import(
            classification=options["classification"],
            slug=options["slug"],
            names={"en": options["name"]},
            valid_from=options["valid_from"],
            valid_to=options["valid_to"],
            content=_read(path),
            filename=path.name,
            status=options["status"],
            actor=self._actor(),
        )
        self.stdout.write(f"Imported {version.slug}: {version.items.count()} codes.")

    def do_new_control_list(self, options: dict[str, Any]) -> None:
        created = services.control_list_create(
            slug=options["slug"],
            names={"en": options["name"], "ru": options["name_ru"]},
            owner=options["owner"],
            actor=self._actor(),
        )
        self.stdout.write(
            f"Created control list {created.slug}: import its versions with "
            f"`katalog classifier import FILE --classification {created.slug} ...`."
        )

    def do_import_table(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        table = services.correspondence_table_import(
            slug=options["slug"],
            source=options["source"],
            target=options["target"],
            content=_read(path),
            filename=path.name,
            kind=options["kind"],
            actor=self._actor(),
        )
        self.stdout.write(f"Imported {table.slug}: {table.rows.count()} rows.")

    def do_export(self, options: dict[str, Any]) -> None:
        version = selectors.version_resolve(ref=options["version"])
        columns, rows = selectors.version_export_rows(version=version)
        self._write(
            render(rows, fmt=options["format"], columns=columns, sheet=version.slug), options
        )

    def do_export_table(self, options: dict[str, Any]) -> None:
        table = selectors.table_get(slug=options["table"])
        columns, rows = selectors.table_export_rows(table=table, language=self.language)
        self._write(render(rows, fmt=options["format"], columns=columns, sheet=table.slug), options)

    def _write(self, content: bytes, options: dict[str, Any]) -> None:
        if options["output"]:
            options["output"].write_bytes(content)
            self.stdout.write(f"Wrote {options['output']} ({len(content)} bytes).")
        elif options["format"] == "xlsx":
            raise CommandError("XLSX needs --output FILE.")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
