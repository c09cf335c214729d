"""A real worker process (`katalog worker`) runs jobs queued in the database by another process."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

SUBMIT = """
import django, sys
django.setup()
from django.core.files import File
from katalog.accounts.models import Bureau, User
from katalog.jobs.services import job_submit
from katalog.accounts.services import role_grant
from katalog.core.actors import SYSTEM_OPERATOR
user = User.objects.create(username="worker-test", bureau=Bureau.objects.get(key="RU"))
role_grant(actor=SYSTEM_OPERATOR, user=user, role="cataloguer")
with open(sys.argv[1], "rb") as f:
    job = job_submit(actor=user, kind="import-items", upload=File(f), filename="items.csv")
print(job.pk)
"""


def test_worker_process_runs_a_queued_import(jobs_file_db, child, tmp_path):
    jobs = tmp_path / "jobs-files"
    env = child.env(jobs_file_db, jobs) | {"DJANGO_SETTINGS_MODULE": "katalog.config.settings"}
    source = tmp_path / "upload.csv"
    source.write_text(
        "catalogue_number,name\n5310-57-000-9001,ОДИН\n5310-57-000-9002,ДВА\nnot-a-number,x\n",
        encoding="utf-8",
    )
    job_id = int(child.run(["-c", SUBMIT, str(source)], env).stdout.strip().splitlines()[-1])

    with sqlite3.connect(jobs_file_db) as con:
        assert con.execute("SELECT state FROM jobs_job WHERE id = ?", [job_id]).fetchone() == (
            "queued",
        )

    child.run(["-m", "katalog.cli", "worker", "--batch", "--interval", "0"], env, timeout=120)

    with sqlite3.connect(jobs_file_db) as con:
        state, counts, done, total, error_file = con.execute(
            "SELECT state, counts, done, total, error_file FROM jobs_job WHERE id = ?", [job_id]
        ).fetchone()
        names = con.execute(
            "SELECT name_text FROM catalog_item WHERE bureau_code = '57' ORDER BY niin"
        ).fetchall()
    assert state == "succeeded"
    assert (json.loads(counts)["created"], done, total) == (2, 3, 3)
    assert names == [("ОДИН",), ("ДВА",)]
    errors = list(csv.reader((jobs / error_file).open(encoding="utf-8")))
    assert errors[1][:3] == ["4", "catalogue_number", "INVALID_CATALOGUE_NUMBER"]
    assert Path(jobs / str(job_id)).is_dir()
