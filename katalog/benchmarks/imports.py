"""Import throughput through `katalog import` next to a raw bulk load of the same rows.

The raw load (executemany on SQLite, COPY on PostgreSQL) writes the rows of the same file,
prepared the way the importer must (numbers parsed, names and bureaus resolved, keys and search
text computed), and is rolled back; then the importer loads the file for real in a child
process, whose peak memory is reported.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from katalog.benchmarks.report import Figure, rate
from katalog.catalog import rules
from katalog.catalog.models import Item, Manufacturer, Reference
from katalog.catalog.services import item_search_text
from katalog.core.actors import SYSTEM_MIGRATION
from katalog.core.text import ascii_code_key, code_key
from katalog.names.models import ItemName
from katalog.synthetic import writers
from katalog.synthetic.generator import generate_import_files
from katalog.transfer.importers.items import ItemImporter
from katalog.transfer.importers.kinds import import_file

SECTION = "import"
RSS_GOAL_MIB = 500
RSS_GOAL_ROWS = 5_000_000
RAW_CHUNK = 10_000
REFERENCE_ROWS = 1_000_000


def read_csv(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def chunks(rows, size: int = RAW_CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def raw_items(path: Path) -> tuple[int, float]:
    """Rows/s of writing the item file's rows directly; rolled back."""
    started = time.perf_counter()
    holders = ItemImporter._code_holders()
    names = {n.code: n for n in ItemName.objects.all()}
    texts: dict[tuple[str, str], str] = {}
    writer = writers.TableWriter(
        Item,
        [
            "niin",
            "supply_class",
            "bureau_code",
            "serial",
            "item_name",
            "name_text",
            "identification_type",
            "status",
            "bureau",
            "search_text",
        ],
    )
    with transaction.atomic():
        for batch in chunks(read_csv(path)):
            rows = []
            for row in batch:
                number = rules.parse_catalogue_number(row["catalogue_number"])
                name = names[row["item_name_code"]]
                key = (name.code, row["name"])
                if key not in texts:
                    texts[key] = item_search_text(row["name"], name)
                rows.append(
                    (
                        number.niin,
                        number.supply_class,
                        number.bureau_code,
                        number.serial,
                        name.pk,
                        row["name"],
                        row["identification_type"],
                        row["status"],
                        holders[number.bureau_code],
                        texts[key],
                    )
                )
            writer.write(rows)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return writer.count, seconds


def raw_references(path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    writer = writers.TableWriter(
        Reference, ["item", "manufacturer", "number", "key", "ascii_key", "bureau"]
    )
    makers: dict[str, int] = {}
    with transaction.atomic():
        for batch in chunks(read_csv(path)):
            niins = {
                rules.parse_catalogue_number(r["catalogue_number"]).niin: r["catalogue_number"]
                for r in batch
            }
            items = {
                n: (i, b)
                for n, i, b in Item.objects.filter(niin__in=niins).values_list(
                    "niin", "id", "bureau_id"
                )
            }
            missing = {r["manufacturer_code"] for r in batch} - makers.keys()
            makers.update(Manufacturer.objects.filter(code__in=missing).values_list("code", "id"))
            rows = []
            for r in batch:
                item_id, bureau_id = items[rules.parse_catalogue_number(r["catalogue_number"]).niin]
                number = r["reference_number"]
                rows.append(
                    (
                        item_id,
                        makers[r["manufacturer_code"]],
                        number,
                        code_key(number),
                        ascii_code_key(number),
                        bureau_id,
                    )
                )
            writer.write(rows)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return writer.count, seconds


def child_import(kind: str, path: Path) -> dict:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="katalog.config.settings",
        KATALOG_DATABASE_URL=settings.DATABASE_URL,
    )
    connection.close()  # the child must see everything committed so far, and SQLite one writer
    done = subprocess.run(
        [sys.executable, "-m", "katalog.benchmarks.import_child", kind, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise RuntimeError(f"import of {kind} failed: {last[0]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def head_of(path: Path, rows: int) -> Path:
    """The file's header and first `rows` rows, streamed into a file beside it."""
    short = path.with_name(f"{path.stem}-first-{rows}{path.suffix}")
    with (
        path.open(encoding="utf-8", newline="") as source,
        short.open("w", encoding="utf-8", newline="") as target,
    ):
        for number, line in enumerate(source):
            if number > rows:
                break
            target.write(line)
    return short


def import_figures(rows: int, work_dir: Path, seed: int, notes: list[str]) -> list[Figure]:
    files = generate_import_files(items=rows, out_dir=work_dir, seed=seed).files
    import_file("manufacturers", files["manufacturers"], actor=SYSTEM_MIGRATION)
    # Items are measured on the whole file (the memory goal is about a 5-million-row import);
    # references, about two per item, on at most REFERENCE_ROWS of them to bound the run.
    files["references"] = head_of(files["references"], REFERENCE_ROWS)
    figures = []
    peaks = []
    for kind, raw in (("items", raw_items), ("references", raw_references)):
        raw_count, raw_seconds = raw(files[kind])
        child = child_import(kind, files[kind])
        report = child["report"]
        if report["rejected"]:
            notes.append(f"the {kind} import rejected {report['rejected']} generated rows")
        imported = report["total"] / child["seconds"]
        raw_rate = raw_count / raw_seconds
        figures.append(
            Figure(
                SECTION,
                f"{kind} through `katalog import` ({report['total']:,} rows)",
                rate(imported),
                f"raw {'COPY' if writers.is_postgres() else 'executemany'} of the same rows: "
                f"{rate(raw_rate)} "
                f"(import at {imported / raw_rate:.0%} of it)",
                "≥ 50 % of the raw rate",
                imported >= raw_rate / 2,
            )
        )
        peaks.append((kind, report["total"], child["peak_rss_mib"]))
    # The headline is the largest import; the goal holds only if every import stayed under it.
    kind, total, peak = max(peaks, key=lambda p: p[1])
    scaled = total < RSS_GOAL_ROWS
    figures.append(
        Figure(
            SECTION,
            f"peak RSS of the import process ({kind}, {total:,} rows)",
            f"{peak:,.0f} MiB",
            ", ".join(f"{k} ({t:,} rows): {p:,.0f} MiB" for k, t, p in peaks),
            f"< {RSS_GOAL_MIB} MB at {RSS_GOAL_ROWS:,} rows"
            + (" (this run used a smaller file)" if scaled else ""),
            all(p < RSS_GOAL_MIB for _k, _t, p in peaks),
        )
    )
    if scaled:
        notes.append(
            f"The import files are smaller than the {RSS_GOAL_ROWS:,}-row goal "
            f"({total:,} rows): peak memory is measured on them."
        )
    return figures
