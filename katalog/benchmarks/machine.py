"""What the benchmark ran on: CPU, cores, memory, OS, Python and database version."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path

from django.db import connection


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(prefix):
                return (
                    line.split(":", 1)[1].strip()
                    if ":" in line
                    else line.split("=", 1)[1].strip().strip('"')
                )
    except OSError:
        pass
    return ""


def cpu_model() -> str:
    return _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()


def memory_gib() -> str:
    total = _first("/proc/meminfo", "MemTotal")
    if not total:
        return "unknown"
    return f"{int(total.split()[0]) / 1024 / 1024:.1f} GiB"


def os_name() -> str:
    pretty = _first("/etc/os-release", "PRETTY_NAME=")
    return f"{pretty or platform.system()} (kernel {platform.release()})"


# The server settings the figures depend on most (a production server raises the defaults).
SERVER_SETTINGS = ("shared_buffers", "work_mem", "max_wal_size")


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            settings = []
            for name in SERVER_SETTINGS:
                cursor.execute(f"SHOW {name}")
                settings.append(f"{name} {cursor.fetchone()[0]}")
            return f"PostgreSQL {version} ({', '.join(settings)})"
    return f"SQLite {sqlite3.sqlite_version}"


def load_average() -> str:
    """Other work on the machine skews every figure; the table says how busy it was."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min, at the end of the run)"


def machine_facts() -> list[tuple[str, str]]:
    return [
        ("CPU", f"{cpu_model()}, {os.cpu_count()} cores"),
        ("load average", load_average()),
        ("memory", memory_gib()),
        ("OS", os_name()),
        ("Python", platform.python_version()),
        ("database", database_version()),
    ]
