"""Correspondences with confidence: link kinds carried through composition, ranked targets with
their chains, roll-up of codes above a table's level, whole composed tables, and the findings a
person would make reading a table."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from katalog.classifiers import selectors, services
from katalog.classifiers.models import CorrespondenceRow, Item, ValidationFinding
from katalog.classifiers.rules import digits_of
from katalog.core.errors import RuleViolation, ValidationFailed
from katalog.core.text import ascii_word_key

API = "/api/v1/classifications"


def lookup(source: str, code: str, target: str, *, all_targets: bool = False):
    item = selectors.item_get(version=selectors.version_get(slug=source), code=code)
    return selectors.correspond(
        item=item, target=selectors.version_get(slug=target), all_targets=all_targets
    )


@pytest.mark.django_db
def test_a_fan_out_of_twenty_is_ranked_and_the_identical_class_shown_alone():
    result = lookup("nace21", "47.40", "isic5", all_targets=True)
    assert len(result.targets) == 20
    first = result.targets[0]
    assert (first.node.code, first.support, first.confidence, first.rank) == (
        "4740",
        "identity",
        1.0,
        1,
    )
    assert {t.support for t in result.targets[1:]} == {"partial"}
    assert all(t.confidence < 1 for t in result.targets[1:])
    assert [t.node.code for t in lookup("nace21", "47.40", "isic5").matches] == ["4740"]


@pytest.mark.django_db
def test_every_nace21_class_identical_to_an_isic5_class_composes_to_that_class_by_default():
    nace = {i.code: i for i in Item.objects.filter(version__slug="nace21", level__slug="class")}
    isic = {i.code: i for i in Item.objects.filter(version__slug="isic5", level__slug="class")}
    same = [
        code
        for code, item in nace.items()
        if digits_of(code) in isic
        and ascii_word_key(item.names["en"]) == ascii_word_key(isic[digits_of(code)].names["en"])
    ]
    assert len(same) == 233
    _route, rows = selectors.compose_table(
        source=selectors.version_get(slug="nace21"), target=selectors.version_get(slug="isic5")
    )
    shown: dict[str, list[str]] = {}
    for row in rows:
        shown.setdefault(row.source.code, []).append(row.target.node.code if row.target else "")
    assert {code: shown[code] for code in same} == {code: [digits_of(code)] for code in same}
    assert all(shown[code] != [""] for code in shown)  # every code of NACE 2.1 has a target


@pytest.mark.django_db
def test_partial_links_weigh_by_their_fan_out_and_full_chains_rank_before_them():
    result = lookup("isic4", "2610", "isic5", all_targets=True)
    assert [(t.node.code, t.support, t.confidence) for t in result.targets] == [
        ("2611", "partial", 0.5),
        ("2619", "partial", 0.5),
    ]
    full = lookup("okved2", "85.11", "isic4")  # through its NACE division 85, a full chain
    assert [(t.node.code, t.support, t.confidence) for t in full.matches] == [("85", "full", 1.0)]
    hops = full.matches[0].best_trail.hops
    assert [(h.table.slug, h.basis, h.full) for h in hops] == [
        ("okved2-nace2", "ancestor", True),
        ("nace2-isic4", "fan_out", True),
    ]


@pytest.mark.django_db
def test_codes_above_a_tables_level_roll_up_their_children():
    group = lookup("nace21", "01.1", "isic5")  # ISIC Rev.4 -> Rev.5 maps classes only
    assert group.rolled_up
    [best] = group.matches
    assert (best.node.code, best.node.level, best.support) == ("011", "group", "identity")
    assert 0 < best.children_supporting <= best.children
    okved = lookup("okved2", "19.31", "isic5")  # OKVED2-only class, NACE has its division only
    [division] = okved.matches
    assert (division.node.code, division.support, division.confidence) == ("19", "rollup", 1.0)
    assert division.children_supporting == division.children == 2


@pytest.mark.django_db
def test_a_gked_subsection_rolls_up_to_the_isic_divisions_it_holds():
    result = lookup("gked2011", "CA", "isic5")  # food, beverages, tobacco: NACE divisions 10-12
    assert [(t.node.code, t.support, t.children_supporting) for t in result.matches] == [
        ("10", "rollup", 1),
        ("11", "rollup", 1),
        ("12", "rollup", 1),
    ]


@pytest.mark.django_db
def test_sections_divisions_and_groups_of_nace21_all_reach_isic5():
    _route, rows = selectors.compose_table(
        source=selectors.version_get(slug="nace21"), target=selectors.version_get(slug="isic5")
    )
    upper = [r for r in rows if r.source.level in ("section", "division", "group")]
    assert len({r.source.code for r in upper}) == 396
    assert all(r.target is not None for r in upper)


@pytest.mark.django_db
def test_a_tables_own_partial_flags_are_kept_and_carried_through_composition():
    table = services.correspondence_table_import(
        slug="nace2-isic5-flagged",
        source="nace2",
        target="isic5",
        content=b"nace2,isic5,NACE2part,ISIC5part\n26.11,2611,0,1\n26.11,2619,1,0\n",
        filename="flagged.csv",
    )
    rows = {r.target.code: r for r in table.rows.select_related("target")}
    assert (rows["2611"].source_partial, rows["2611"].target_partial, rows["2611"].basis) == (
        False,
        True,
        "flag",
    )
    assert rows["2619"].source_partial is True
    result = lookup("nace2", "26.11", "isic5", all_targets=True)
    assert result.route[0].table.slug == "nace2-isic5-flagged"  # a direct table wins
    by_code = {t.node.code: t for t in result.targets}
    assert [h.full for h in by_code["2611"].best_trail.hops] == [True]
    assert [h.full for h in by_code["2619"].best_trail.hops] == [False]
    assert (by_code["2611"].support, by_code["2619"].support, by_code["2619"].confidence) == (
        "identity",
        "partial",
        0.5,
    )


@pytest.mark.django_db
def test_a_bad_flag_rejects_the_file_and_saves_nothing():
    with pytest.raises(ValidationFailed) as caught:
        services.correspondence_table_import(
            slug="bad-flags",
            source="nace2",
            target="isic5",
            content=b"nace2,isic5,partial\n26.11,2611,maybe\n",
            filename="bad.csv",
        )
    assert caught.value.errors[0].code == "LINK_FLAG_INVALID"
    assert not CorrespondenceRow.objects.filter(table__slug="bad-flags").exists()


@pytest.mark.django_db
def test_findings_for_links_disagreeing_with_their_parent_and_at_the_wrong_level():
    found = ValidationFinding.objects.filter(
        table__slug="nace2-isic4", code="LINK_DISAGREES_WITH_PARENT"
    )
    assert sorted(f.item_code for f in found) == [
        "46.61",
        "46.62",
        "46.63",
        "46.64",
        "46.65",
        "46.66",
        "46.69",
    ]
    assert found.get(item_code="46.61").message == (
        "46.61 → 4653 (in group 465), but its group 46.6 → 466."
    )
    services.correspondence_table_import(
        slug="nace2-isic5-levels",
        source="nace2",
        target="isic5",
        content=b"nace2,isic5\n01.11,011\n",
        filename="levels.csv",
    )
    [level] = ValidationFinding.objects.filter(table__slug="nace2-isic5-levels")
    assert (level.code, level.item_code) == ("LINK_LEVEL_MISMATCH", "01.11")


@pytest.mark.django_db
def test_the_api_answers_rankings_and_whole_composed_tables(client):
    body = client.get(
        f"{API}/nace21/correspondences", {"code": "47.40", "target": "isic5", "all": "true"}
    ).json()
    assert (body["shown"], body["total"], body["all"]) == (20, 20, True)
    assert [m["best"] for m in body["matches"]].count(True) == 1
    assert body["matches"][0]["chain"][0]["table"] == "nace21-nace2"
    response = client.get(
        f"{API}/compose", {"source": "nace21", "target": "isic5", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["source_code"] for r in rows} == set(
        Item.objects.filter(version__slug="nace21").values_list("code", flat=True)
    )
    assert next(r for r in rows if r["source_code"] == "47.40")["target_code"] == "4740"
    every = client.get(
        f"{API}/compose", {"source": "nace21", "target": "isic5", "format": "json", "all": "true"}
    ).json()
    assert len(every) > len(rows)
    xlsx = client.get(f"{API}/compose", {"source": "nace21", "target": "isic5", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_compose_table_command_writes_csv_xlsx_and_json(tmp_path):
    for suffix in ("csv", "xlsx", "json"):
        target = tmp_path / f"t.{suffix}"
        call_command("classifier", "compose-table", "okved2", "isic5", "-o", str(target))
        assert target.stat().st_size > 1000
    rows = json.loads((tmp_path / "t.json").read_text())
    assert next(r for r in rows if r["source_code"] == "19.31")["target_code"] == "19"


@pytest.mark.django_db
def test_a_version_outside_its_validity_is_refused_never_an_empty_answer(client):
    response = client.get(f"{API}/isic4/codes", {"date": "2025-01-01"})
    assert (response.status_code, response.json()["code"]) == (422, "DATE_OUTSIDE_VERSION")
    response = client.get(
        f"{API}/isic4/correspondences", {"code": "0111", "target": "isic5", "date": "2025-01-01"}
    )
    assert (response.status_code, response.json()["code"]) == (422, "DATE_OUTSIDE_VERSION")
    response = client.get(f"{API}/okved2/codes", {"date": "2014-02-01"})
    assert (response.status_code, response.json()["code"]) == (422, "VERSION_HISTORY_UNKNOWN")
    with pytest.raises(RuleViolation):
        selectors.version_resolve(ref="nace21", on=selectors.version_get(slug="nace2").valid_from)
