"""A job whose worker was lost (killed, machine stopped) is queued again by the next worker and
ends as if nothing had happened; one that keeps bringing its worker down fails instead."""

from __future__ import annotations

import csv
import datetime as dt
import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from katalog.catalog.models import Item
from katalog.jobs.models import Job, JobState
from tests.jobs.conftest import ROOT
from tests.jobs.test_jobs_api import submit, upload

ROWS = 20000
BATCH = 100


def items_csv(rows: int) -> str:
    lines = ["catalogue_number;item_name_code;name"]
    serials = [f"{1 + i:07d}" for i in range(rows)]
    lines += [f"5310-57-{n[:3]}-{n[3:]};10101;ГАЙКА {i}" for i, n in enumerate(serials)]
    lines[3] = "5310-57-XXX-0000;10101;bad number"
    lines[-5] = "5310-57-YYY-0000;10101;bad number too"
    return "\n".join(lines) + "\n"


def lose_worker(job: Job, *, attempts: int, silent_for: dt.timedelta) -> None:
    """The job as a worker that died would leave it: running, its heartbeat stopped."""
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, attempts=attempts, heartbeat_at=timezone.now() - silent_for
    )


@pytest.mark.django_db(transaction=True)
def test_worker_queues_lost_jobs_again_and_fails_those_lost_too_often(client, owner):
    _user, headers = owner
    jobs = [
        Job.objects.get(
            pk=submit(
                client, headers, kind="import-items", file=upload("items.csv", items_csv(30))
            ).json()["id"]
        )
        for _ in range(3)
    ]
    lost, busy, hopeless = jobs
    lose_worker(lost, attempts=1, silent_for=dt.timedelta(hours=1))
    lose_worker(busy, attempts=1, silent_for=dt.timedelta(seconds=5))  # still reporting progress
    lose_worker(hopeless, attempts=3, silent_for=dt.timedelta(hours=1))

    call_command("worker", "--batch", "--interval", "0")

    lost.refresh_from_db(), busy.refresh_from_db(), hopeless.refresh_from_db()
    assert (lost.state, lost.attempts, lost.counts["created"], lost.error_count) == (
        JobState.SUCCEEDED,
        2,
        28,
        2,
    )
    assert Item.objects.filter(bureau_code="57").count() == 28
    assert (busy.state, busy.attempts) == (JobState.RUNNING, 1)
    assert hopeless.state == JobState.FAILED
    assert hopeless.message.startswith("WORKER_LOST:")


def _job_row(db_file, job_id: int) -> tuple:
    with sqlite3.connect(db_file, timeout=5) as con:
        return con.execute(
            "SELECT state, done, counts, error_file, attempts FROM jobs_job WHERE id = ?", [job_id]
        ).fetchone()


def _committed_line(db_file) -> int:
    """The import's checkpoint, committed with each batch (the job's progress is written
    at most once a second)."""
    try:
        with sqlite3.connect(db_file, timeout=1) as con:
            return (
                con.execute("SELECT max(last_line) FROM transfer_importcheckpoint").fetchone()[0]
                or 0
            )
    except sqlite3.OperationalError:
        return 0


def test_job_of_a_killed_worker_is_resumed_by_the_next_worker(jobs_file_db, child, tmp_path):
    """A real worker process is killed (SIGKILL) in the middle of an import job; the next
    worker queues the job again, the import resumes from its last committed batch, and the
    data, counts and error report equal those of an uninterrupted run."""
    jobs = tmp_path / "jobs-files"
    env = child.env(jobs_file_db, jobs) | {"DJANGO_SETTINGS_MODULE": "katalog.config.settings"}
    source = tmp_path / "upload.csv"
    source.write_text(items_csv(ROWS), encoding="utf-8")
    submit_code = (
        "import django, sys; django.setup()\n"
        "from django.core.files import File\n"
        "from katalog.accounts.models import Bureau, User\n"
        "from katalog.accounts.services import role_grant\n"
        "from katalog.core.actors import SYSTEM_OPERATOR\n"
        "from katalog.jobs.services import job_submit\n"
        "user = User.objects.create(username='importer', bureau=Bureau.objects.get(key='RU'))\n"
        "role_grant(actor=SYSTEM_OPERATOR, user=user, role='cataloguer')\n"
        "with open(sys.argv[1], 'rb') as f:\n"
        "    job = job_submit(actor=user, kind='import-items', upload=File(f),\n"
        f"                     filename='items.csv', params={{'batch_size': {BATCH}}})\n"
        "print(job.pk)\n"
    )
    job_id = int(child.run(["-c", submit_code, str(source)], env).stdout.strip().splitlines()[-1])
    worker = [sys.executable, "-m", "katalog.cli", "worker", "--batch", "--interval", "0"]

    first = subprocess.Popen(
        worker, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while (
        first.poll() is None
        and _committed_line(jobs_file_db) < 20 * BATCH
        and time.monotonic() < deadline
    ):
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL, "the job ended before its worker could be killed"
    state, _done, _counts, _errors, attempts = _job_row(jobs_file_db, job_id)
    assert (state, attempts) == ("running", 1)
    assert 0 < _committed_line(jobs_file_db) < ROWS

    child.run(
        ["-m", "katalog.cli", "worker", "--batch", "--interval", "0", "--requeue-after", "0"],
        env,
        timeout=300,
    )

    state, _done, counts, error_file, attempts = _job_row(jobs_file_db, job_id)
    assert (state, attempts) == ("succeeded", 2)
    assert {k: json.loads(counts)[k] for k in ("total", "created", "rejected")} == {
        "total": ROWS,
        "created": ROWS - 2,
        "rejected": 2,
    }
    with sqlite3.connect(jobs_file_db) as con:
        niins = [
            n
            for (n,) in con.execute(
                "SELECT niin FROM catalog_item WHERE bureau_code = '57' ORDER BY niin"
            )
        ]
    assert len(niins) == len(set(niins)) == ROWS - 2
    report = list(csv.reader((jobs / error_file).open(encoding="utf-8")))
    assert [row[:3] for row in report] == [
        ["line", "column", "code"],
        ["4", "catalogue_number", "INVALID_CATALOGUE_NUMBER"],
        [str(ROWS - 3), "catalogue_number", "INVALID_CATALOGUE_NUMBER"],
    ]
