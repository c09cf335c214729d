"""The real `katalog` command run from a directory outside the checkout: it finds its data
directory as users expect and answers a command on an uninitialised database with "run
`katalog init`" and an exit code, no traceback and no stray directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KATALOG = Path(sys.executable).with_name("katalog")
ROOT = Path(__file__).resolve().parents[2]


def katalog(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KATALOG_") and k != "DJANGO_SETTINGS_MODULE"
    }
    environ |= {"PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT)), "HOME": str(cwd), **env}
    environ["XDG_DATA_HOME"] = str(cwd / "xdg")
    return subprocess.run(
        [str(KATALOG), *args], cwd=cwd, env=environ, capture_output=True, text=True, check=False
    )


def test_a_command_on_no_database_says_run_init(tmp_path):
    result = katalog(tmp_path, "lookup", "5310-57-000-0001")
    assert result.returncode == 3
    assert "katalog init" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "var").exists()
    assert not (tmp_path / "xdg").exists()


def test_a_database_never_migrated_says_run_init(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "katalog.sqlite3").touch()
    result = katalog(
        tmp_path, "lookup", "5310-57-000-0001", KATALOG_DATA_DIR=str(tmp_path / "data")
    )
    assert result.returncode == 3
    assert "katalog init" in result.stderr
    assert "Traceback" not in result.stderr


def test_outside_a_checkout_the_user_data_directory_is_used(tmp_path):
    result = katalog(tmp_path, "status")
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "xdg" / "katalog") in result.stdout
    assert "katalog init" in result.stdout


def test_the_version_names_the_data_directory(tmp_path):
    result = katalog(tmp_path, "--version", KATALOG_DATA_DIR=str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "d") in result.stdout


def test_help_lists_katalogs_commands_grouped_and_hides_djangos(tmp_path):
    result = katalog(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    for group in ("catalogue:", "screening:", "import/export:", "classifiers:", "administration:"):
        assert group in result.stdout
    assert "  lookup " in result.stdout
    assert "flush" not in result.stdout
    assert "squashmigrations" not in result.stdout
    django = katalog(tmp_path, "django", "help")
    assert django.returncode == 0
    assert "squashmigrations" in django.stdout
