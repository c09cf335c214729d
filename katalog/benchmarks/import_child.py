"""Run one `katalog import` in a child process and print what it cost as JSON:
`python -m katalog.benchmarks.import_child KIND FILE`. Peak memory is this process's own."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def peak_rss_kib() -> int:
    """This process's peak resident memory. `VmHWM` belongs to the program now running;
    `ru_maxrss` would carry over the parent's peak from before the fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def main(kind: str, path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "katalog.config.settings")
    import django

    django.setup()
    from katalog.core.actors import SYSTEM_MIGRATION
    from katalog.transfer.importers.kinds import import_file

    started = time.perf_counter()
    report = import_file(kind, Path(path), actor=SYSTEM_MIGRATION)
    seconds = time.perf_counter() - started
    peak_kib = peak_rss_kib()
    print(
        json.dumps(
            {"seconds": seconds, "peak_rss_mib": peak_kib / 1024, "report": report.as_dict()}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
