"""An import killed half-way (SIGKILL) and run again ends with exactly the data, counts and error
report of an uninterrupted run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

ROWS = 20000
BATCH = 100


def write_items(path: Path) -> Path:
    lines = ["catalogue_number;item_name_code;name;unit_of_issue;price;currency"]
    for i in range(ROWS):
        n = f"{1 + i:07d}"
        lines.append(f"5310-57-{n[:3]}-{n[3:]};10101;ГАЙКА {i};EA;{i}.50;RUB")
    lines[500] = "5310-57-XXX-0000;10101;bad number;EA;1;RUB"
    lines[9000] = lines[10]  # a duplicate far from its first occurrence
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_args(cli, csv_file: Path, errors: Path) -> list[str]:
    return cli.argv(
        "import", "items", str(csv_file), "--batch-size", str(BATCH), "--errors", str(errors)
    )


SNAPSHOT = {
    "items": (
        "SELECT niin, supply_class, bureau_code, serial, item_name_id, name_text, status, "
        "search_text, row_version, bureau_id FROM catalog_item ORDER BY niin"
    ),
    "management": (
        "SELECT i.niin, m.bureau_id, m.unit_of_issue, m.price, m.currency_id "
        "FROM catalog_managementdata m JOIN catalog_item i ON i.id = m.item_id ORDER BY i.niin"
    ),
    "serials": "SELECT * FROM catalog_serialcounter ORDER BY bureau_code",
}
CHECKPOINT = "SELECT max(last_line) FROM transfer_importcheckpoint"


def snapshot(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as con:
        return {name: con.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}


def committed_line(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as con:
            row = con.execute(CHECKPOINT).fetchone()
    except sqlite3.OperationalError:
        return 0
    return row[0] or 0


def test_killed_import_resumes_to_the_same_data(file_db, katalog_cli, tmp_path):
    cli = katalog_cli
    csv_file = write_items(tmp_path / "items.csv")

    whole_db = file_db("whole")
    whole = subprocess.run(
        import_args(cli, csv_file, tmp_path / "whole-errors.csv"),
        env=cli.env(whole_db),
        cwd=cli.root,
        capture_output=True,
        text=True,
        check=True,
    )

    killed_db = file_db("killed")
    env = cli.env(killed_db)
    child = subprocess.Popen(
        import_args(cli, csv_file, tmp_path / "killed-errors.csv"),
        env=env,
        cwd=cli.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while child.poll() is None and committed_line(killed_db) < 10 * BATCH:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    stopped_at = committed_line(killed_db)
    assert 0 < stopped_at < ROWS
    partial = snapshot(killed_db)["items"]
    assert 0 < len(partial) < ROWS - 2

    resumed = subprocess.run(
        import_args(cli, csv_file, tmp_path / "killed-errors.csv"),
        env=env,
        cwd=cli.root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "resumed after line" in resumed.stderr

    assert snapshot(killed_db) == snapshot(whole_db)
    assert len(snapshot(whole_db)["items"]) == ROWS - 2
    # Same counts in the summary and the same error report.
    assert resumed.stdout.strip().splitlines()[-1] == whole.stdout.strip().splitlines()[-1]
    whole_errors = (tmp_path / "whole-errors.csv").read_text(encoding="utf-8")
    assert (tmp_path / "killed-errors.csv").read_text(encoding="utf-8") == whole_errors
    assert "INVALID_CATALOGUE_NUMBER" in whole_errors
    assert "DUPLICATE_IN_FILE" in whole_errors


def pg_fetch(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def pg_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def pg_clear_import() -> None:
    """Remove what one import added, so the next run starts from the same state."""
    from katalog.catalog.models import Item, ManagementData, SerialCounter
    from katalog.transfer.models import ImportCheckpoint

    ManagementData.objects.filter(item__bureau_code="57").delete()
    Item.objects.filter(bureau_code="57").delete()
    SerialCounter.objects.filter(bureau_code="57").delete()
    ImportCheckpoint.objects.all().delete()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_killed_import_resumes_to_the_same_data_on_postgresql(katalog_cli, tmp_path):
    """The COPY path: the child imports into this test's PostgreSQL database, as its cataloguer."""
    from tests.factories import UserFactory, bureau
    from tests.transfer.conftest import IMPORTER

    UserFactory(username=IMPORTER, bureau=bureau("RU"))
    cli = katalog_cli
    csv_file = write_items(tmp_path / "items.csv")
    env = dict(cli.env(tmp_path / "unused.sqlite3"), KATALOG_DATABASE_URL=pg_url())
    subprocess.run(
        import_args(cli, csv_file, tmp_path / "whole.csv"),
        env=env,
        cwd=cli.root,
        check=True,
        capture_output=True,
    )
    whole = {name: pg_fetch(sql) for name, sql in SNAPSHOT.items()}
    assert len(whole["items"]) == ROWS - 2
    pg_clear_import()

    child = subprocess.Popen(
        import_args(cli, csv_file, tmp_path / "killed.csv"),
        env=env,
        cwd=cli.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while child.poll() is None and (pg_fetch(CHECKPOINT)[0][0] or 0) < 10 * BATCH:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    assert 0 < len(pg_fetch(SNAPSHOT["items"])) < ROWS - 2
    subprocess.run(
        import_args(cli, csv_file, tmp_path / "killed.csv"),
        env=env,
        cwd=cli.root,
        check=True,
        capture_output=True,
    )

    assert {name: pg_fetch(sql) for name, sql in SNAPSHOT.items()} == whole
    assert (tmp_path / "killed.csv").read_text(encoding="utf-8") == (
        tmp_path / "whole.csv"
    ).read_text(encoding="utf-8")
