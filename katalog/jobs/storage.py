"""Where job files live: `KATALOG_JOBS_DIR`, by default `var/jobs` under the working directory."""

from __future__ import annotations

import os
from pathlib import Path


def jobs_dir() -> Path:
    # Read on each call: the web process and the worker must agree, and tests point it elsewhere.
    root = os.environ.get("KATALOG_JOBS_DIR") or str(
        Path(os.environ.get("KATALOG_DATA_DIR", Path.cwd() / "var")) / "jobs"
    )
    return Path(root)


def job_dir(job_id: int) -> Path:
    path = jobs_dir() / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(relative: str) -> Path:
    return jobs_dir() / relative
