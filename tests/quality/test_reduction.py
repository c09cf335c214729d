"""The nomenclature-reduction report: on a catalogue with planted groups, every planted group
is found and no unrelated item joins one; the item proposed to keep follows registrations,
then quality, then the number; the workbook reads back with the right rows; a bureau's run
covers what it may read; acting on a group cancels the member as a duplicate of the kept one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from katalog.catalog import services
from katalog.catalog.models import Item, ItemStatus
from katalog.codification.services import cancellation_approve
from katalog.core.actors import SYSTEM_EXCHANGE, SYSTEM_INIT
from katalog.core.errors import RuleViolation
from katalog.jobs.models import JobState
from katalog.jobs.services import job_execute, job_submit
from katalog.quality.models import ItemQuality, ReductionCluster, ReductionReport
from katalog.quality.reduction import KIND, choose_kept, within
from katalog.quality.reduction_selectors import (
    cluster_views,
    reduction_clusters,
    reduction_report_of,
)
from katalog.quality.services import reduction_cluster_propose
from katalog.screening.candidates import cross_nation_screen
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

NUT = {"THDD": "10 mm", "THDP": "1.5 mm", "MATL": "STL", "WDAF": "17 mm"}
BOLT = {"THDD": "10 mm", "THDP": "1.5 mm", "LNTH": "40 mm", "MATL": "STL"}
BIG_NUT = {"THDD": "24 mm", "THDP": "3 mm", "MATL": "STL", "WDAF": "36 mm"}


@pytest.fixture(autouse=True)
def jobs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))


def item(bureau_key="RU", name="10101", supply_class="5310", release="public", users=(),
         score=None, number="", maker=None, **values):  # fmt: skip
    made = make_item(bureau_key, supply_class=supply_class, item_name_code=name, release=release)
    if number:
        services.reference_add(
            actor=SYSTEM_INIT, item=made, manufacturer=maker, number=number, justification="6"
        )
    for code, raw in values.items():
        services.characteristic_set(actor=SYSTEM_INIT, item=made, code=code, raw=raw)
    for key in users:
        services.registration_add(actor=SYSTEM_INIT, item=made, bureau=bureau(key))
    if score is not None:
        ItemQuality.objects.update_or_create(
            item=made, defaults={"score": score, "failed": [], "checked": []}
        )
    return Item.objects.get(pk=made.pk)


@pytest.fixture
def catalogue():
    """Planted groups and their unrelated neighbours."""
    maker = ManufacturerFactory(code="A100F", names={"en": "Samara Fastener Works"})
    planted = {
        # the same nut three times, numbers within tolerance (THDD 1 %, WDAF 2 %)
        "nut": [
            item("RU", users=["RU"], score=70, **NUT),
            item("KZ", users=["KZ", "RU"], score=40, **{**NUT, "WDAF": "17.2 mm"}),
            item("RU", score=90, **{**NUT, "THDD": "10.05 mm"}),
        ],
        # twice, equally registered: the better score is kept
        "big": [
            item("RU", users=["RU"], score=60, **BIG_NUT),
            item("KZ", users=["KZ"], score=95, **BIG_NUT),
        ],
    }
    unrelated = [
        item("RU", **{**NUT, "WDAF": "19 mm"}),  # beyond the tolerance of WDAF
        item("RU", **{**NUT, "MATL": "BRS"}),  # another material
        # another item name
        item("RU", name="10201", supply_class="5306", **BOLT),
        item("RU", **{k: v for k, v in NUT.items() if k != "WDAF"}),  # fewer characteristics
    ]
    # probable duplicates across bureaus: one drawing number codified by two nations; its
    # sibling with another suffix and other characteristics is another item
    twin_values = {"THDD": "6 mm", "THDP": "1 mm", "MATL": "BRS", "WDAF": "10 mm"}
    twins = [
        item("RU", number="АБВГ.123456.001-01", maker=maker, users=["RU"], **twin_values),
        item("KZ", number="АБВГ.123456.001-01", maker=maker, **twin_values),
    ]
    sibling = item("KZ", number="АБВГ.123456.001-02", maker=maker,
                   THDD="8 mm", THDP="1.25 mm", MATL="SST", WDAF="13 mm")  # fmt: skip
    for screened in (twins[1], sibling):
        cross_nation_screen(actor=SYSTEM_EXCHANGE, item=screened)
    cancelled = item("RU", users=["RU", "KZ"])
    services.item_cancel(actor=SYSTEM_INIT, item=cancelled, reason="A")
    return {
        "planted": planted, "unrelated": unrelated, "twins": twins, "sibling": sibling,
        "cancelled": Item.objects.get(pk=cancelled.pk),
    }  # fmt: skip


def run(user, lang="en"):
    job = job_submit(actor=user, kind=KIND, params={"lang": lang})
    job = job_execute(job.pk)
    assert job.state == JobState.SUCCEEDED, job.message
    return job


def groups(job, section):
    report = reduction_report_of(job)
    rows = ReductionCluster.objects.filter(report=report, section=section).order_by("position")
    return [{m["niin"] for m in row.members} for row in rows]


def niins(items):
    return {i.niin for i in items}


@pytest.fixture
def centre():
    return UserFactory(username="centre-analyst", bureau=bureau("MC"), roles=["centre_cataloguer"])


def test_every_planted_group_is_found_and_no_unrelated_item_joins_one(catalogue, centre):
    job = run(centre)
    same = groups(job, "same_characteristics")
    planted = catalogue["planted"]
    assert niins(planted["nut"]) in same
    assert niins(planted["big"]) in same
    twins = niins(catalogue["twins"])
    assert sorted(same, key=sorted) == sorted(
        [niins(planted["nut"]), niins(planted["big"]), twins], key=sorted
    )
    grouped = set().union(*same)
    assert not grouped & niins(catalogue["unrelated"])
    assert catalogue["sibling"].niin not in grouped
    assert groups(job, "duplicates") == [twins]


def test_the_kept_item_has_most_registrations_then_the_best_score(catalogue, centre):
    job = run(centre)
    report = reduction_report_of(job)
    rows = {
        frozenset(m["niin"] for m in r.members): r
        for r in ReductionCluster.objects.filter(report=report, section="same_characteristics")
    }
    nut, big = catalogue["planted"]["nut"], catalogue["planted"]["big"]
    nut_group = rows[frozenset(niins(nut))]
    assert nut_group.kept == nut[1].niin  # two registrations against one
    assert nut_group.reasons[0] == {
        "code": "registrations", "value": 2, "other": 1, "decided": True,
    }  # fmt: skip
    big_group = rows[frozenset(niins(big))]
    assert big_group.kept == big[1].niin  # one registration each; 95 against 60
    assert [r["code"] for r in big_group.reasons] == ["registrations", "quality"]
    (view,) = cluster_views([big_group], language="en")
    assert view.reasons == [
        "As many user registrations as the next: 1",
        "Best quality score: 95 against 60",
    ]


def test_the_lowest_number_decides_between_equals():
    members = [
        {"niin": "570000002", "registrations": 1, "score": 80},
        {"niin": "570000001", "registrations": 1, "score": 80},
    ]
    kept, reasons = choose_kept(members)
    assert kept["niin"] == "570000001"
    assert [r["code"] for r in reasons] == ["registrations", "quality", "preferred", "number"]


def test_tolerance_is_relative_to_the_larger_value():
    assert within(10.0, 10.1, 0.01)
    assert not within(10.0, 10.2, 0.01)
    assert within(0.0, 0.0, 0.01)


def test_figures_count_cancelled_items_still_registered_and_items_without_users(catalogue, centre):
    job = run(centre)
    figures = reduction_report_of(job).figures
    assert figures["cancelled_registered"] == {"items": 1, "by_bureau": {"RU": 1}}
    without = [
        *catalogue["planted"]["nut"][2:], *catalogue["unrelated"], catalogue["twins"][1],
        catalogue["sibling"],
    ]  # fmt: skip
    assert figures["without_users"]["items"] == len(without)
    assert figures["restricted_procured"] == {"items": 0, "rows": 0, "available": True}
    assert figures["same_characteristics"]["spare"] == 2 + 1 + 1
    assert job.counts["duplicate_clusters"] == 1


def _listed(kind: str, items, bureau_key: str = "RU"):
    actor = UserFactory(username=f"{bureau_key.lower()}-{kind}-keeper", bureau=bureau(bureau_key))
    made = services.item_list_create(
        actor=actor, kind=kind, code=f"{kind[:4].upper()}-1", name=f"{kind} list",
        valid_from=dt.date(2020, 1, 1), act_number="12", act_date=dt.date(2020, 1, 1),
    )  # fmt: skip
    for listed in items:
        services.item_list_entry_add(actor=actor, item_list=made, item=listed)
    return made


def test_items_on_a_restrictive_list_still_procured_are_counted_and_listed(catalogue, centre):
    nut = catalogue["planted"]["nut"]
    _listed("restrictive", [nut[0], nut[2]])
    services.management_set(actor=SYSTEM_INIT, item=nut[0], bureau=bureau("RU"),
                            unit_of_issue="EA", released=True)  # fmt: skip
    services.management_set(actor=SYSTEM_INIT, item=nut[0], bureau=bureau("KZ"),
                            unit_of_issue="EA", released=True)  # fmt: skip
    job = run(centre)
    figures = reduction_report_of(job).figures
    # nut[2] is on the list but nobody procures it: only nut[0], by two nations.
    assert figures["restricted_procured"] == {"items": 1, "rows": 2, "available": True}
    from katalog.jobs.storage import job_file

    book = load_workbook(job_file(job.result_file).open("rb"), read_only=True)
    rows = list(book["Restrictive lists"].iter_rows(values_only=True))[1:]
    assert rows == [(nut[0].catalogue_number, "KZ"), (nut[0].catalogue_number, "RU")]


def test_a_member_on_a_list_of_preferred_items_is_kept_when_the_others_tie(catalogue, centre):
    big = catalogue["planted"]["big"]
    ItemQuality.objects.filter(item__in=big).update(score=80)  # tied on users and score
    _listed("preferred", [big[1]], bureau_key="KZ")
    job = run(centre)
    row = next(
        r for r in ReductionCluster.objects.filter(report=reduction_report_of(job))
        if {m["niin"] for m in r.members} == niins(big)
    )  # fmt: skip
    assert row.kept == big[1].niin
    assert row.reasons[-1] == {"code": "preferred", "value": True, "other": False, "decided": True}


def test_the_workbook_reads_back_with_a_row_per_member(catalogue, centre):
    job = run(centre)
    assert job.result_name == "reduction.xlsx"
    from katalog.jobs.storage import job_file

    book = load_workbook(job_file(job.result_file).open("rb"), read_only=True)
    assert book.sheetnames == [
        "Summary", "Duplicates", "Same characteristics", "Cancelled, registered",
        "Without users", "Restrictive lists",
    ]  # fmt: skip
    same = list(book["Same characteristics"].iter_rows(values_only=True))
    assert same[0][:4] == ("Group", "Item name code", "Item name", "Catalogue number")
    assert len(same) == 1 + 3 + 2 + 2
    kept_rows = [row for row in same[1:] if row[8] == "yes"]
    assert {row[3] for row in kept_rows} == {row[9] for row in same[1:]}
    nut = catalogue["planted"]["nut"]
    assert (nut[1].catalogue_number, "2") in {(row[3], row[6]) for row in kept_rows}
    duplicates = list(book["Duplicates"].iter_rows(values_only=True))
    assert {row[3] for row in duplicates[1:]} == {i.catalogue_number for i in catalogue["twins"]}
    assert "Same reference number" in duplicates[1][11]
    cancelled = list(book["Cancelled, registered"].iter_rows(values_only=True))
    assert [row[0] for row in cancelled[1:]] == [catalogue["cancelled"].catalogue_number]
    restricted = list(book["Restrictive lists"].iter_rows(values_only=True))
    assert len(restricted) == 1


def test_a_bureaus_run_covers_what_it_may_read(catalogue):
    hidden = item("KZ", release="restricted", **BIG_NUT)
    kz_person = UserFactory(username="kz-analyst", bureau=bureau("KZ"))
    ru_person = UserFactory(username="ru-analyst", bureau=bureau("RU"))
    big = niins(catalogue["planted"]["big"])
    assert big | {hidden.niin} in groups(run(kz_person), "same_characteristics")
    ru_groups = groups(run(ru_person), "same_characteristics")
    assert big in ru_groups
    assert hidden.niin not in set().union(*ru_groups)


def test_a_page_of_groups_follows_the_position(catalogue, centre):
    report = reduction_report_of(run(centre))
    first = reduction_clusters(report, section="same_characteristics", limit=2)
    assert [r.position for r in first.rows] == [1, 2]
    rest = reduction_clusters(report, section="same_characteristics", after=first.next_after)
    assert [r.position for r in rest.rows] == [3]


def test_acting_on_a_group_proposes_the_cancellation_which_the_bureau_approves(catalogue):
    ru_person = UserFactory(username="ru-cataloguer", bureau=bureau("RU"))
    report = reduction_report_of(run(ru_person))
    nut = catalogue["planted"]["nut"]
    row = next(
        r for r in ReductionCluster.objects.filter(report=report)
        if {m["niin"] for m in r.members} == niins(nut)
    )  # fmt: skip
    proposal = reduction_cluster_propose(actor=ru_person, cluster=row, item_niin=nut[0].niin)
    assert (proposal.item_id, proposal.kept_id, proposal.state) == (nut[0].pk, nut[1].pk, "open")
    assert f"group {row.position}" in proposal.source
    assert Item.objects.get(pk=nut[0].pk).status == ItemStatus.ACTIVE  # the bureau decides
    approver = UserFactory(username="ru-approver", bureau=bureau("RU"), roles=["approver"])
    cancellation_approve(actor=approver, proposal=proposal)
    cancelled = Item.objects.get(pk=nut[0].pk)
    assert (cancelled.status, cancelled.replaced_by_id) == (
        ItemStatus.CANCELLED_DUPLICATE, nut[1].pk,
    )  # fmt: skip
    with pytest.raises(RuleViolation):
        reduction_cluster_propose(
            actor=ru_person, cluster=row, item_niin=catalogue["unrelated"][0].niin
        )
    with pytest.raises(RuleViolation):
        reduction_cluster_propose(
            actor=ru_person, cluster=row, item_niin=nut[2].niin, kept_niin="000000000"
        )
    assert Item.objects.get(pk=catalogue["unrelated"][0].pk).status == ItemStatus.ACTIVE
    assert ReductionReport.objects.filter(pk=report.pk).exists()


def test_the_command_runs_the_report_and_writes_the_workbook(catalogue, centre, tmp_path):
    out = io.StringIO()
    target = tmp_path / "reduction.xlsx"
    call_command("quality", "reduction", "--actor", centre.username, "-o", str(target), stdout=out)
    assert "Groups with the same key characteristics: 3" in out.getvalue()
    book = load_workbook(target.open("rb"), read_only=True)
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert summary["Groups of probable duplicates"] == "1"


@pytest.mark.parametrize("base", [0.001, 0.0099999, 0.01, 1.0, 17.0, 1e6])
def test_numbers_within_tolerance_meet_whatever_cell_they_fall_in(base):
    from katalog.quality.reduction import _Signature, _tolerance_groups

    def sig(item_id, value):
        return _Signature(item_id, numbers=[("WDAF", value, None, 0.02)])

    near, far = base * 1.0199, base * 1.0205
    assert _tolerance_groups([sig(1, base), sig(2, near)]) == [[1, 2]]
    assert _tolerance_groups([sig(1, base), sig(2, far)]) == []
    many = [sig(i, base) for i in range(1, 2001)] + [sig(3000, far)]
    assert _tolerance_groups(many) == [list(range(1, 2001))]
