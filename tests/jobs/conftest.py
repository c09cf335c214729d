"""Fixtures for jobs: a jobs directory per test, users with API tokens, a file database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from katalog.accounts.tokens import token_create
from katalog.core.actors import SYSTEM_OPERATOR
from tests.factories import UserFactory, bureau

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def jobs_dir(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "jobs"
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(path))
    return path


def bearer(username: str) -> tuple[object, dict[str, str]]:
    user = UserFactory(username=username, bureau=bureau("RU"))
    _record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="tests")
    return user, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def owner(db):
    return bearer("job-owner")


@pytest.fixture
def stranger(db):
    return bearer("job-stranger")


def child_env(db_file: Path, jobs: Path) -> dict[str, str]:
    env = dict(os.environ, KATALOG_DATABASE_URL=f"sqlite:///{db_file}", KATALOG_JOBS_DIR=str(jobs))
    env.pop("KATALOG_TEST_DB_NAME", None)
    return env


def child_run(args: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True, **kw
    )


class Child:
    """Run Python in a child process against a file database."""

    env = staticmethod(child_env)
    run = staticmethod(child_run)


@pytest.fixture(scope="session")
def child() -> Child:
    return Child()


@pytest.fixture(scope="session")
def jobs_reference_db(tmp_path_factory) -> Path:
    """A file SQLite database with schema and reference data, made once (children use it)."""
    db = tmp_path_factory.mktemp("jobsdb") / "reference.sqlite3"
    child_run(
        ["-m", "katalog.cli", "init", "--reference-only", "--skip-checks"], child_env(db, db.parent)
    )
    return db


@pytest.fixture
def jobs_file_db(jobs_reference_db, tmp_path) -> Path:
    target = tmp_path / "jobs.sqlite3"
    shutil.copyfile(jobs_reference_db, target)
    return target
