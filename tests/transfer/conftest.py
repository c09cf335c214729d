"""Fixtures for import/export tests that run `katalog` in a child process on a file database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# The person the child's commands act for: a cataloguer of the Russian bureau, made in the
# reference database below.
IMPORTER = "importer"


def katalog_env(db: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, KATALOG_DATABASE_URL=f"sqlite:///{db}", KATALOG_ACTOR=IMPORTER, **extra)
    env.pop("KATALOG_TEST_DB_NAME", None)
    return env


def katalog_argv(*args: str) -> list[str]:
    # --skip-checks: the child only needs the database, not the URL configuration. Given right
    # after the command's name, so that commands with sub-commands (`user create`) take it too.
    command, *rest = args
    return [sys.executable, "-m", "katalog.cli", command, "--skip-checks", *rest]


class KatalogCli:
    """How a test runs `katalog` in a child process against a file database."""

    root = ROOT
    env = staticmethod(katalog_env)
    argv = staticmethod(katalog_argv)


@pytest.fixture(scope="session")
def katalog_cli() -> KatalogCli:
    return KatalogCli()


@pytest.fixture(scope="session")
def reference_db_file(tmp_path_factory) -> Path:
    """A file SQLite database with the schema, the shipped reference data and a cataloguer of
    the Russian bureau, made once."""
    db = tmp_path_factory.mktemp("refdb") / "reference.sqlite3"
    for args in (
        ("init", "--reference-only"),
        ("user", "create", IMPORTER, "--bureau", "RU", "--role", "cataloguer"),
    ):
        subprocess.run(
            katalog_argv(*args), env=katalog_env(db), cwd=ROOT, check=True, capture_output=True
        )
    return db


@pytest.fixture
def file_db(reference_db_file, tmp_path):
    """Make a fresh copy of the reference database: `file_db("name")` returns its path."""

    def make(name: str) -> Path:
        target = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(reference_db_file, target)
        return target

    return make
