"""Versions as they were: amendments (legal act, date, codes added, closed, renamed) make
"codes at a date" answer what was in force that day; a version known only as published says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from katalog.audit.models import AuditEntry
from katalog.classifiers import selectors, services
from katalog.classifiers.models import Amendment, Item, Version
from katalog.classifiers.services import AddedCode, ClosedCode, RenamedCode
from katalog.core.errors import Conflict, RuleViolation, ValidationFailed

D = dt.date
ACT = {"ru": "Приказ № 1", "en": "Order No. 1"}


def codes(slug: str, on: dt.date) -> dict[str, str]:
    version = selectors.version_get(slug=slug)
    return {c.item.code: c.names.get("en", "") for c in selectors.codes_at(version=version, on=on)}


@pytest.mark.django_db
def test_an_amendment_adds_closes_and_renames_codes_from_its_date():
    isic5 = Version.objects.get(slug="isic5")
    before = codes("isic5", D(2025, 1, 1))
    services.amendment_apply(
        version=isic5,
        number="1",
        in_force_from=D(2026, 1, 1),
        legal_act=ACT,
        added=[AddedCode("0117", "class", "011", {"en": "Growing of other crops n.e.c."})],
        closed=[ClosedCode("0116")],
        renamed=[RenamedCode("0111", {"en": "Growing of cereals"})],
    )
    assert codes("isic5", D(2025, 12, 31)) == before
    after = codes("isic5", D(2026, 1, 1))
    assert after["0117"] == "Growing of other crops n.e.c."
    assert "0116" not in after
    assert after["0111"] == "Growing of cereals"
    assert set(after) == (set(before) - {"0116"}) | {"0117"}
    assert selectors.version_get(slug="isic5").row_version > isic5.row_version  # caches renewed
    [entry] = AuditEntry.objects.filter(action="classifier.amendment_apply")
    assert (entry.object_type, entry.object_key) == ("classifiers.version", "isic5")
    assert entry.changes["codes"] == {"added": ["0117"], "closed": ["0116"], "renamed": ["0111"]}


@pytest.mark.django_db
def test_a_range_lists_a_renamed_code_once_per_title():
    isic5 = Version.objects.get(slug="isic5")
    old = isic5.items.get(code="0111").names
    services.amendment_apply(
        version=isic5, number="1", in_force_from=D(2026, 1, 1), legal_act=ACT,
        renamed=[RenamedCode("0111", {"en": "Growing of cereals"})],
    )  # fmt: skip
    stretches = [
        (c.names, c.valid_from, c.valid_to)
        for c in selectors.codes_between(version=isic5, start=D(2025, 6, 1), end=D(2026, 6, 1))
        if c.item.code == "0111"
    ]
    assert stretches == [
        (old, D(2025, 6, 1), D(2025, 12, 31)),
        ({"en": "Growing of cereals"}, D(2026, 1, 1), D(2026, 6, 1)),
    ]


@pytest.mark.django_db
def test_amendments_recorded_before_the_published_state_give_its_history():
    """OKVED2 is loaded as published on 2023-12-01. An amendment of 2020 recorded with what it
    changed, and the history said to be complete from 2019, lets "codes at 2019-06-01" answer."""
    okved2 = Version.objects.get(slug="okved2")
    with pytest.raises(RuleViolation):
        selectors.codes_at(version=okved2, on=D(2019, 6, 1))
    new_code = okved2.items.get(code="01.11.11")
    services.amendment_apply(
        version=okved2,
        number="Изменение 10/2020",
        in_force_from=D(2020, 1, 1),
        legal_act={"ru": "Приказ (пример для проверки)"},
        added=[AddedCode("01.11.11", "type", "01.11.1", {})],
        closed=[ClosedCode("01.11.18", "type", "01.11.1", {"ru": "Выращивание прочих зерновых"})],
        renamed=[RenamedCode("01.11", {}, old_names={"ru": "Выращивание зерновых (старое)"})],
    )
    services.version_history_set(
        version=selectors.version_get(slug="okved2"), history="as_published",
        content_as_of=D(2023, 12, 1), history_from=D(2019, 1, 1),
    )  # fmt: skip
    okved2.refresh_from_db()
    then = {
        c.item.code: c.names["ru"] for c in selectors.codes_at(version=okved2, on=D(2019, 6, 1))
    }
    now = {c.item.code: c.names["ru"] for c in selectors.codes_at(version=okved2, on=D(2024, 1, 1))}
    assert "01.11.11" not in then
    assert then["01.11.18"] == "Выращивание прочих зерновых"
    assert then["01.11"] == "Выращивание зерновых (старое)"
    assert "01.11.11" in now
    assert "01.11.18" not in now
    assert now["01.11"] == Item.objects.get(pk=okved2.items.get(code="01.11").pk).names["ru"]
    assert Item.objects.get(pk=new_code.pk).valid_from == D(2020, 1, 1)


@pytest.mark.django_db
def test_bad_amendments_change_nothing():
    isic5 = Version.objects.get(slug="isic5")
    count = isic5.items.count()
    with pytest.raises(ValidationFailed) as caught:
        services.amendment_apply(
            version=isic5, number="1", in_force_from=D(2026, 1, 1), legal_act=ACT,
            added=[
                AddedCode("0111", "class", "011", {"en": "again"}),
                AddedCode("9999", "class", "ZZ", {"en": "x"}),
            ],
            closed=[ClosedCode("01")],
        )  # fmt: skip
    assert {e.code for e in caught.value.errors} == {
        "CHILDREN_OPEN",
        "CODE_EXISTS",
        "PARENT_MISSING",
    }
    assert isic5.items.count() == count
    assert not Amendment.objects.filter(version=isic5).exists()
    with pytest.raises(RuleViolation) as outside:
        services.amendment_apply(
            version=isic5, number="2", in_force_from=D(2020, 1, 1), legal_act=ACT
        )
    assert outside.value.code == "DATE_OUTSIDE_VERSION"
    services.amendment_apply(version=isic5, number="3", in_force_from=D(2027, 1, 1), legal_act=ACT)
    with pytest.raises(RuleViolation) as order:
        services.amendment_apply(
            version=isic5, number="4", in_force_from=D(2026, 1, 1), legal_act=ACT
        )
    assert order.value.code == "AMENDMENT_OUT_OF_ORDER"
    with pytest.raises(Conflict):
        services.amendment_apply(
            version=isic5, number="3", in_force_from=D(2028, 1, 1), legal_act=ACT
        )


@pytest.mark.django_db
def test_amend_command_reads_a_file_and_the_api_lists_the_amendments(tmp_path, client):
    path = tmp_path / "amendments.csv"
    path.write_text(
        "amendment,in_force_from,legal_act_en,change,code,level,parent,name_en\n"
        "A1,2026-01-01,Decision 1,added,0117,class,011,Growing of other crops\n"
        "A1,2026-01-01,Decision 1,renamed,0111,,,Growing of cereals\n"
        "A2,2026-07-01,Decision 2,closed,0117,,,\n",
        encoding="utf-8",
    )
    call_command("classifier", "amend", "isic5", str(path))
    body = client.get("/api/v1/classifications/isic5/amendments").json()
    assert [(a["number"], a["in_force_from"], [c["kind"] for c in a["changes"]]) for a in body] == [
        ("A1", "2026-01-01", ["added", "renamed"]),
        ("A2", "2026-07-01", ["closed"]),
    ]
    assert "0117" in codes("isic5", D(2026, 3, 1))
    assert "0117" not in codes("isic5", D(2026, 7, 1))
    isic = Version.objects.get(slug="isic5").classification_id
    changes = client.get(
        f"/api/klass/v1/classifications/{isic}/changes", {"from": "2025-06-01", "to": "2027-01-01"}
    ).json()["codeChanges"]
    assert [(c["oldCode"], c["newCode"], c["changeOccurred"]) for c in changes] == [
        (None, "0117", "2026-01-01"),
        ("0111", "0111", "2026-01-01"),
        ("0117", None, "2026-07-01"),
    ]


@pytest.mark.django_db
def test_versions_known_as_published_say_so(client):
    body = {
        v["slug"]: v for c in client.get("/api/v1/classifications").json() for v in c["versions"]
    }
    assert (body["okved2"]["history"], body["okved2"]["as_published_on"]) == (
        "as_published",
        "2023-12-01",
    )
    assert body["okved2"]["known_from"] == "2023-12-01"
    assert "2023-12-01" in body["okved2"]["history_note"]
    assert (body["oked2019"]["history"], body["oked2019"]["as_published_on"]) == (
        "as_published",
        None,
    )
    assert (body["isic4"]["history"], body["isic4"]["known_from"]) == ("complete", "2008-01-01")
    page = client.get("/classifiers/okved2/").content.decode()
    assert "2023-12-01" in page
