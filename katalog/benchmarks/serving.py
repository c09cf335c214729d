"""Requests per second of `GET /api/v1/items/{number}` against gunicorn with 2 workers as
`katalog serve` runs it, driven by wrk when installed, else by a small keep-alive client
in two processes."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from katalog.benchmarks.lookups import sample_rows
from katalog.benchmarks.report import Figure
from katalog.catalog.models import Item
from katalog.core.gunicorn import gunicorn_argv

SECTION = "HTTP API"
GOAL_RPS = 800
CONNECTIONS = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="katalog.config.settings",
        KATALOG_DATABASE_URL=settings.DATABASE_URL,
    )
    argv = gunicorn_argv(f"127.0.0.1:{port}", 2, access_log=False)
    return subprocess.Popen(argv, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_ready(port: int, path: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def run_wrk(port: int, paths: list[str], seconds: int) -> tuple[float, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n")
        script.write(
            "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n"
        )
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no request rate: {out}")
    rps = float(found.group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    latency = re.search(r"Latency\s+(\S+)", out)
    mean = latency.group(1) if latency else "?"
    detail = f"wrk, 1 thread, {CONNECTIONS} connections, {seconds} s; mean latency {mean}"
    return rps, detail + (f"; non-2xx: {errors.group(1)}" if errors else "")


def _client(port: int, paths: list[str], seconds: float, seed: int, counts) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = failed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn.request("GET", rng.choice(paths))
        response = conn.getresponse()
        response.read()
        done += 1
        failed += response.status != 200
    counts.put((done, failed))


def run_python_client(port: int, paths: list[str], seconds: int) -> tuple[float, str]:
    counts: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_client, args=(port, paths, seconds, n, counts))
        for n in range(CONNECTIONS)
    ]
    for w in workers:
        w.start()
    results = [counts.get() for _ in workers]
    for w in workers:
        w.join()
    done, failed = sum(r[0] for r in results), sum(r[1] for r in results)
    return (
        done / seconds,
        f"Python keep-alive client, {CONNECTIONS} processes, {seconds} s; non-200: {failed}",
    )


def http_figures(seconds: int, seed: int) -> list[Figure]:
    items = sample_rows(Item, ("niin",), 500, random.Random(seed))
    if not items:
        return [Figure(SECTION, "GET /api/v1/items/{number}", "n/a (empty catalogue)")]
    paths = [f"/api/v1/items/{n}" for (n,) in items]
    port = free_port()
    connection.close()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp) / "gunicorn.log")
        try:
            if not wait_ready(port, paths[0]):
                log = (Path(tmp) / "gunicorn.log").read_text(errors="replace")[-500:]
                return [
                    Figure(
                        SECTION,
                        "GET /api/v1/items/{number}",
                        f"n/a (server did not start: {log!r})",
                    )
                ]
            rps, detail = (
                run_wrk(port, paths, seconds)
                if shutil.which("wrk")
                else run_python_client(port, paths, seconds)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    return [
        Figure(
            SECTION,
            "GET /api/v1/items/{number}, gunicorn with 2 workers × 4 threads",
            f"{rps:,.0f} requests/s",
            detail,
            f"≥ {GOAL_RPS} requests/s on 2 cores",
            rps >= GOAL_RPS,
        )
    ]
