"""The README's tour, run for real on a clean clone: `katalog init`, `katalog serve`, and every
`$ command` of its console blocks, whose output must be exactly what the README shows."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
CONSOLE_BLOCK = re.compile(r"```console\n(.*?)```", re.S)

pytestmark = pytest.mark.slow


def tour_commands(readme: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ ` line of the console blocks."""
    steps: list[tuple[str, list[str]]] = []
    for block in CONSOLE_BLOCK.findall(readme):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
    return steps


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (http://127.0.0.1 of the server this test started)
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"server did not answer at {url}")


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if connection.vendor != "sqlite":
        pytest.skip("the README tour describes the default embedded (SQLite) set-up")
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git repository")
    base = tmp_path_factory.mktemp("clone")
    target = base / "katalog"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    bin_dir = clone_environment(base / "venv", target)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATALOG_")}
    env |= {"PYTHONUNBUFFERED": "1", "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}
    # As `make run` sets them for the demonstration.
    env |= {"KATALOG_PUBLIC_READ": "true", "KATALOG_SECRET_KEY": "readme-tour-" + "k" * 40}
    return target, env


def clone_environment(venv: Path, source: Path) -> Path:
    """A virtualenv that runs the clone's code with the installed dependencies.

    The development install is editable, and its import hook would load the working tree
    instead of the clone; this environment sees only the dependencies and the clone.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "katalog-clone.pth").write_text("\n".join([str(source), *deps]) + "\n")
    script = venv / "bin" / "katalog"
    script.write_text(f"#!{venv / 'bin' / 'python'}\nfrom katalog.cli import main\nmain()\n")
    script.chmod(0o755)
    return venv / "bin"


def test_readme_tour_on_a_clean_clone(clone):
    target, env = clone
    init = subprocess.run(
        ["katalog", "init", "--demo"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert init.returncode == 0, init.stderr
    again = subprocess.run(
        ["katalog", "init", "--demo"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "demo-catalogue: already loaded" in again.stdout
    assert (
        "{'countries': 0, 'currencies': 0, 'units': 0, 'code values': 0, "
        "'supply groups': 0, 'supply classes': 0}" in again.stdout
    )
    # The audit log of the demonstration verifies.
    verified = subprocess.run(
        ["katalog", "audit", "verify"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("Audit log intact")

    port = free_port()
    server = subprocess.Popen(
        ["katalog", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=target,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        steps = tour_commands((target / "README.md").read_text(encoding="utf-8"))
        assert len(steps) >= 8
        for command, expected in steps:
            command = command.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
            result = subprocess.run(
                ["bash", "-c", command + " 2>&1"],
                cwd=target,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.stdout.rstrip("\n").splitlines() == expected, command
    finally:
        server.terminate()
        server.wait(timeout=30)
