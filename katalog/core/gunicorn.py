"""How katalog runs gunicorn, shared by `katalog serve` and the HTTP benchmark so the benchmark
measures what is served.

Threaded workers (`gthread`) keep client connections alive; sync workers close each one after
a response. On 2 cores, with the same 2 workers, `GET /api/v1/items/{number}` under wrk went from
309 to 411 requests/s with 4 threads per worker."""

from __future__ import annotations

import sys

THREADS = 4


def gunicorn_argv(bind: str, workers: int, *, access_log: bool = True) -> list[str]:
    argv = [
        sys.executable, "-m", "gunicorn", "katalog.config.wsgi:application", "--bind", bind,
        "--workers", str(workers), "--worker-class", "gthread", "--threads", str(THREADS),
        "--timeout", "120",
    ]  # fmt: skip
    return [*argv, "--access-logfile", "-"] if access_log else argv
