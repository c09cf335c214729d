"""Where job files live: `KATALOG_JOBS_DIR`, by default `jobs/` in the data directory."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def jobs_dir() -> Path:
    # Read on each call: the web process and the worker must agree, and tests point it elsewhere.
    root = os.environ.get("KATALOG_JOBS_DIR")
    return Path(root) if root else Path(settings.DATA_DIR) / "jobs"


def job_dir(job_id: int) -> Path:
    path = jobs_dir() / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(relative: str) -> Path:
    return jobs_dir() / relative
