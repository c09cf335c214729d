"""`katalog classifier ...` prints results and exits non-zero on domain errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("classifier", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_correspond_prints_route_ranked_targets_and_their_chains():
    args = ("--language", "en", "correspond", "03.11", "--from", "okved2", "--to", "isic5")
    route = "route: okved2-nace2 [derived] → nace2-isic4 [official] → isic4-isic5 [official]"
    chain = (
        "03.11→03.11 [full, okved2-nace2] → 03.11→0311 [full, nace2-isic4] → "
        "0311→{} [partial, isic4-isic5]"
    )
    assert _run(*args).splitlines() == [
        route,
        "  1 0311       identity 1.00  Marine fishing",
        "      " + chain.format("0311"),
        "-- 1 less supported target(s) not shown; --all shows them",
    ]
    assert _run(*args, "--all").splitlines() == [
        route,
        "  1 0311       identity 1.00  Marine fishing",
        "      " + chain.format("0311"),
        "  2 0330       partial  0.50  Support activities for fishing and aquaculture",
        "      " + chain.format("0330"),
    ]


@pytest.mark.django_db
def test_path_children_and_codes_at_a_date():
    assert [line.split()[0] for line in _run("path", "okved2", "85.22.1").splitlines()] == [
        "P",
        "85",
        "85.2",
        "85.22",
        "85.22.1",
    ]
    assert len(_run("children", "isic4").splitlines()) == 21
    assert (
        len(_run("codes", "nace", "--date", "2025-01-01", "--level", "section").splitlines()) == 22
    )


@pytest.mark.django_db
def test_findings_list_the_oked_defect_first():
    first = _run("findings").splitlines()[0]
    assert first.split()[:3] == ["PARENT_MISSING", "oked_kz_ru.csv:2495", "27120"]


@pytest.mark.django_db
def test_errors_exit_non_zero_with_the_code():
    with pytest.raises(CommandError) as caught:
        _run("path", "okved2", "99.99")
    assert caught.value.returncode == 3
    assert str(caught.value) == "CODE_NOT_FOUND: okved2 has no code '99.99'."


@pytest.mark.django_db
def test_import_reports_each_rejected_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,level,parent,name_en\nA,section,,Alpha\n0111,class,011,Orphan\n")
    with pytest.raises(CommandError) as caught:
        _run(
            "import",
            str(bad),
            "--classification",
            "okved",
            "--slug",
            "okved9",
            "--name",
            "x",
            "--valid-from",
            "2030-01-01",
        )
    assert caught.value.returncode == 4
    assert "line 3: parent: PARENT_MISSING" in str(caught.value)


@pytest.mark.django_db
def test_export_writes_xlsx(tmp_path):
    target = tmp_path / "isic5.xlsx"
    out = _run("export", "isic5", "--format", "xlsx", "--output", str(target))
    assert out.startswith(f"Wrote {target}")
    assert target.read_bytes()[:2] == b"PK"
