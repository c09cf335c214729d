"""Two installations as separate processes with their own databases: a national bureau (RU,
SQLite) and the interstate centre (PostgreSQL in the PostgreSQL pass, else SQLite). They
exchange by package files and over HTTP, a package is imported twice and a damaged one is
refused, an import killed with SIGKILL is resumed, the centre's change of reference data
reaches the bureau, and at each step both print the same digest.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.test_readme import free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
KATALOG = [sys.executable, "-c", "from katalog.cli import main; main()"]


class Installation:
    def __init__(self, home: Path, database_url: str) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KATALOG_")}
        self.env |= {
            "KATALOG_DATA_DIR": str(home),
            "KATALOG_DATABASE_URL": database_url,
            "KATALOG_SECRET_KEY": os.environ["KATALOG_SECRET_KEY"],
            "PYTHONPATH": str(ROOT),
            "LANG": "C",
        }

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*KATALOG, *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if ok:
            assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*KATALOG, *args],
            env=self.env | (env or {}),
            cwd=self.home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def digest(self) -> str:
        return self.run("exchange", "digest").stdout.split()[0]


@pytest.fixture
def centre_database_url(tmp_path):
    """The centre's own database: a new PostgreSQL database beside the test database in the
    PostgreSQL pass, a SQLite file otherwise."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'centre.sqlite3'}"
        return
    import psycopg

    name = f"katalog_centre_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    admin = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname="postgres",
        autocommit=True,
    )  # fmt: skip
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _applied(database_url: str, origin: str | None = None) -> int:
    """The last event the installation has applied, of `origin` or of any origin, read from its
    database directly; 0 while there is none."""
    query = "SELECT max(applied_seq) FROM exchange_peerposition"
    params: tuple[str, ...] = ()
    if origin is not None:
        query += " WHERE origin = %s"
        params = (origin,)
    try:
        if database_url.startswith("sqlite:///"):
            with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
                row = db.execute(query.replace("%s", "?"), params).fetchone()
        else:
            import psycopg

            with psycopg.connect(database_url) as db:
                row = db.execute(query, params).fetchone()
    except (sqlite3.Error, ImportError, OSError, Exception):  # not created yet
        return 0
    return int(row[0] or 0) if row else 0


def test_a_bureau_and_the_centre_converge_by_files_and_over_http(tmp_path, centre_database_url):
    bureau = Installation(tmp_path / "ru", f"sqlite:///{tmp_path / 'ru' / 'k.sqlite3'}")
    centre = Installation(tmp_path / "centre", centre_database_url)
    for node in (bureau, centre):
        node.run("init")
    bureau.run("generate", "--items", "150", "--seed", "11", "--no-progress")
    bureau.run("node", "init", "--bureau", "RU", "--name", "ru-main")
    centre.run("node", "init", "--bureau", "MC", "--name", "centre")
    bureau.run("node", "show", "--public-key", str(tmp_path / "ru.pub"))
    centre.run("node", "show", "--public-key", str(tmp_path / "centre.pub"))
    bureau.run("node", "add", "centre", "--bureau", "MC", "--key", str(tmp_path / "centre.pub"))
    port = free_port()
    centre.run(
        "node", "add", "ru-main", "--bureau", "RU", "--key", str(tmp_path / "ru.pub"),
        "--url", f"http://127.0.0.1:{port}",
    )  # fmt: skip

    # The first full catalogue, by file.
    bureau.run("exchange", "snapshot")
    package = tmp_path / "ru-to-centre.katalog.gz"
    exported = bureau.run("exchange", "export", "--to", "centre", "-o", str(package))
    count = int(exported.stdout.split()[0])
    assert count >= 150

    # A damaged copy is refused whole, with a clear message, and applies nothing.
    damaged = tmp_path / "damaged.katalog.gz"
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    refused = centre.run("exchange", "import", str(damaged), ok=False)
    assert refused.returncode != 0
    assert "damaged" in refused.stderr
    assert "Traceback" not in refused.stderr
    empty = centre.digest()
    assert empty != bureau.digest()

    # Killed while applying (in runs of ten events, so that there is a middle to kill it
    # in), then imported again: it goes on where it stopped.
    importing = centre.start(
        "exchange", "import", str(package), env={"KATALOG_EXCHANGE_APPLY_RUN": "10"}
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and importing.poll() is None:
        if _applied(centre_database_url) > 0:
            os.kill(importing.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    importing.wait(timeout=30)
    killed_at = _applied(centre_database_url)
    assert killed_at < count  # stopped part way
    imported = centre.run("exchange", "import", str(package))
    assert "0 waiting, 0 problems" in imported.stdout
    assert centre.digest() == bureau.digest()

    # The same package again changes nothing.
    again = centre.run("exchange", "import", str(package))
    assert f"0 applied, {count} already here" in again.stdout
    assert centre.digest() == bureau.digest()

    # New work at the bureau reaches the centre over HTTP, with nothing but the new events.
    bureau.run("user", "create", "ivanova", "--bureau", "RU", "--role", "cataloguer")
    loaded = bureau.run(
        "import", "items", str(ROOT / "examples" / "items-with-errors.csv"), "--actor", "ivanova",
        ok=False,
    )  # fmt: skip
    assert "Traceback" not in loaded.stderr
    server = bureau.start("serve", "--bind", f"127.0.0.1:{port}", "--workers", "1")
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        pulled = centre.run("exchange", "pull")
        assert "ru-main: " in pulled.stdout
        assert "0 problems" in pulled.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert centre.digest() == bureau.digest()
    status = centre.run("exchange", "status").stdout
    assert "ru-main: applied" in status
    assert "lag 0 events" in status

    # The centre retitles a supply class: the bureau gets it by file and both agree again.
    centre.run("shell", "-c", RETITLE)
    assert centre.digest() != bureau.digest()
    to_bureau = tmp_path / "centre-to-ru.katalog.gz"
    centre.run("exchange", "export", "--to", "ru-main", "-o", str(to_bureau))
    received = bureau.run("exchange", "import", str(to_bureau))
    assert "0 waiting, 0 problems" in received.stdout
    assert centre.digest() == bureau.digest()


RETITLE = """
from katalog.core.actors import SYSTEM_INIT
from katalog.refdata.models import SupplyClass
from katalog.refdata.services import supply_class_update
row = SupplyClass.objects.get(code="5305", valid_to__isnull=True)
supply_class_update(actor=SYSTEM_INIT, supply_class=row, titles={**row.titles, "ru": "Винты (новое)"})
"""
