"""Statistics Norway's own Klass client, `ssb-klass-python`, unchanged, against a live
`katalog serve` process: every documented function and class of the client answers, and each
gives the codes, titles, dates and correspondences that katalog's own API gives.

One server for the module, on a copy of the test database (SQLite) or the test database itself
(PostgreSQL). Klass ends a validity on the first day after it; katalog keeps the last day in it,
hence the one-day shifts below.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

klass = pytest.importorskip("klass")  # the client is in the test extra

from klass import config as klass_config  # noqa: E402

from katalog.classifiers import services  # noqa: E402
from katalog.classifiers.models import Variant  # noqa: E402

# The server's data is set up in the test database (committed), so the tests are database tests.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8170, 8180)
VARIANT = b"""code,parent,level,name_en,name_ru
G,,1,Goods-producing activities,Production of goods
S,,1,Service activities,Services
A,G,2,,
B,G,2,,
C,G,2,,
F,G,2,,
H,S,2,,
"""


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8170-8179")


def _server_database(tmp: Path) -> str:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # The test database lives in memory; the server gets a copy of it.
        path = tmp / "klass.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """A `katalog serve` process on one of the ports 8170-8179, with a variant of ISIC Rev.4
    (goods and services) so that the client's variant calls have one to read."""
    with django_db_blocker.unblock():
        variant = services.variant_import(
            version="isic4",
            slug="isic4-goods-services",
            names={"en": "Goods and services", "ru": "Товары и услуги"},
            content=VARIANT,
            filename="variant.csv",
        )
        url = _server_database(tmp_path_factory.mktemp("klass"))
    port = _free_port()
    env = dict(os.environ, KATALOG_DATABASE_URL=url, KATALOG_LANGUAGE="ru")
    env.pop("KATALOG_TEST_DB_NAME", None)
    log = tmp_path_factory.mktemp("klass-log") / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "katalog.cli", "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--no-job-worker"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process, log)
        klass_config.BASE_URL = f"{base}/api/klass/v1/"
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        with django_db_blocker.unblock():
            Variant.objects.filter(pk=variant.pk).delete()


def _wait(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("katalog serve stopped:\n" + log.read_text())
        try:
            if requests.get(f"{base}/api/klass/v1/classifications", timeout=30).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("katalog serve did not answer:\n" + log.read_text())


def own(server: str, path: str, **query) -> object:
    """katalog's own API on the same server."""
    response = requests.get(f"{server}/api/v1/classifications{path}", params=query, timeout=60)
    response.raise_for_status()
    return response.json()


def ids(server: str) -> dict[str, int]:
    listed = klass.classifications()["_embedded"]["classifications"]
    by_name = {c["name"]: int(c["_links"]["self"]["href"].rsplit("/", 1)[1]) for c in listed}
    names = {c["name"]: c["slug"] for c in own(server, "", language="ru")}
    return {names[name]: pk for name, pk in by_name.items()}


def next_day(text: str | None) -> str | None:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=1)).isoformat() if text else None


def test_classifications_classification_and_versions(server):
    pk = ids(server)
    katalog = {c["slug"]: c for c in own(server, "", language="ru")}
    assert set(pk) == set(katalog)
    isic = klass.KlassClassification(pk["isic"])
    assert isic.name == katalog["isic"]["name"]
    assert sorted((v["name"], v["validFrom"], v.get("validTo")) for v in isic.versions) == sorted(
        (v["name"], v["valid_from"], next_day(v["valid_to"])) for v in katalog["isic"]["versions"]
    )
    assert isic.versions_dict() == {v["version_id"]: v["name"] for v in isic.versions[::-1]}
    assert klass.get_classification(pk["isic"]).name == isic.name
    assert klass.classification_by_id(pk["nace"])["name"] == katalog["nace"]["name"]
    assert "KlassClassification" in repr(isic)
    assert katalog["isic"]["name"] in str(isic)


def test_codes_at_a_date_with_levels_patterns_ranges_and_presentation_names(server):
    pk = ids(server)["isic"]
    katalog = own(server, "/isic/codes", date="2020-06-01", language="ru")
    data = klass.codes_at(pk, "2020-06-01")
    assert sorted(zip(data["code"], data["name"], strict=True)) == sorted(
        (c["code"], c["name"]) for c in katalog
    )
    assert set(data["validFrom"]) == {"2008-01-01"}
    assert set(data["validTo"]) == {"2024-01-01"}
    classes = klass.codes_at(pk, "2020-06-01", select_level=4, select_codes="01*,0510-0520")
    expected = [
        c["code"] for c in katalog
        if c["level"] == "class" and (c["code"].startswith("01") or "0510" <= c["code"] <= "0520")
    ]  # fmt: skip
    assert sorted(classes["code"]) == sorted(expected)
    named = klass.codes_at(
        pk,
        "2020-06-01",
        select_codes="0111",
        presentation_name_pattern="{code} - {uppercase(name)}",
    )
    title = next(c["name"] for c in katalog if c["code"] == "0111")
    assert list(named["presentationName"]) == [f"0111 - {title.upper()}"]


def test_codes_over_a_range_cross_from_one_version_to_the_next(server):
    pk = ids(server)["isic"]
    data = klass.codes(pk, "2023-06-01", "2024-06-01", select_level=1)
    isic4 = {c["code"] for c in own(server, "/isic4/codes", date="2023-06-01", level="section")}
    isic5 = {c["code"] for c in own(server, "/isic5/codes", date="2024-06-01", level="section")}
    assert set(data["code"]) == isic4 | isic5
    old = {
        c["code"]: c["name"]
        for c in own(server, "/isic4/codes", date="2023-06-01", level="section", language="ru")
    }
    new = {
        c["code"]: c["name"]
        for c in own(server, "/isic5/codes", date="2024-06-01", level="section", language="ru")
    }
    stretches = {}
    for row in data.itertuples():
        stretches.setdefault(row.code, []).append(
            (row.validFromInRequestedRange, row.validToInRequestedRange)
        )
    for code in isic4 | isic5:
        if old.get(code) == new.get(code):  # same title in both: one stretch over the range
            assert stretches[code] == [("2023-06-01", "2024-06-01")], code
        elif code in old:  # renamed (ISIC Rev.5 renumbered sections from G on)
            assert sorted(stretches[code]) == [
                ("2023-06-01", "2024-01-01"),
                ("2024-01-01", "2024-06-01"),
            ]
        else:
            assert stretches[code] == [("2024-01-01", "2024-06-01")], code
    codes = klass.KlassCodes(pk, "2023-06-01", "2024-06-01", select_level=1)
    assert set(codes.data["code"]) == set(data["code"])


def test_changes_between_versions_are_katalogs_changes(server):
    pk = ids(server)["isic"]
    data = klass.changes(pk, "2020-01-01", "2025-01-01")
    mine = own(server, "/isic/changes", **{"from": "isic4", "to": "isic5"})
    expected = sum(
        len(c["target_codes"]) if c["kind"] == "split"
        else len(c["source_codes"]) if c["kind"] == "merged"
        else 1
        for c in mine["changes"]
    )  # fmt: skip
    assert len(data) == expected
    new = {c["target_codes"][0] for c in mine["changes"] if c["kind"] == "new"}
    assert set(data[data["oldCode"].isna()]["newCode"]) == new
    assert set(data["changeOccurred"]) == {"2024-01-01"}
    assert len(klass.KlassClassification(pk).get_changes("2020-01-01", "2025-01-01")) == expected


def test_correspondences_direct_and_composed(server):
    pk = ids(server)
    direct = klass.corresponds_at(pk["nace"], pk["isic"], "2020-06-01")["correspondenceItems"]
    table = requests.get(
        f"{server}/api/v1/classifications/tables/nace2-isic4/export",
        params={"format": "json"},
        timeout=60,
    ).json()
    assert sorted((i["sourceCode"], i["targetCode"]) for i in direct) == sorted(
        (r["source_code"], r["target_code"]) for r in table if r["source_code"] and r["target_code"]
    )
    composed = klass.corresponds_at(pk["okved"], pk["isic"], "2024-06-01")["correspondenceItems"]
    best = requests.get(
        f"{server}/api/v1/classifications/compose",
        params={"source": "okved2", "target": "isic5", "format": "json"},
        timeout=120,
    ).json()
    assert sorted((i["sourceCode"], i["targetCode"]) for i in composed) == sorted(
        {(r["source_code"], r["target_code"]) for r in best if r["target_code"]}
    )
    ranged = klass.KlassClassification(pk["nace"]).get_correspondence_to(
        pk["isic"], "2020-01-01", "2021-01-01"
    )
    assert set(ranged.data["validFrom"]) == {"2020-01-01"}
    assert set(ranged.data["validTo"]) == {"2021-01-01"}
    assert len(ranged.data) == len(direct)
    mapping = ranged.to_dict()
    assert mapping["46.61"] == "4653"
    quarter = klass.KlassCorrespondence(
        source_classification_id=pk["nace"],
        target_classification_id=pk["isic"],
        from_date="2020-01-01",
        contain_quarter=1,
    )
    assert quarter.to_date == "2020-03-31"
    assert len(quarter.data) == len(direct)
    assert len(
        klass.corresponds(pk["nace"], pk["isic"], "2020-01-01", "2021-01-01")["correspondenceItems"]
    ) == len(direct)


def test_versions_and_correspondence_tables_by_id(server):
    pk = ids(server)
    nace = klass.KlassClassification(pk["nace"])
    version = nace.get_version()  # the newest: NACE Rev.2.1
    export = requests.get(
        f"{server}/api/v1/classifications/nace21/export", params={"format": "json"}, timeout=60
    ).json()
    assert sorted(zip(version.data["code"], version.data["name"], strict=True)) == sorted(
        (r["code"], r["name_en"]) for r in export
    )
    assert version.validFrom == "2025-01-01"
    assert [lv["levelNumber"] for lv in version.levels] == [
        1,
        2,
        3,
        4,
    ]
    assert klass.version_by_id(version.version_id)["name"] == version.name
    tables = version.correspondences_simple()
    names = {v["slug"]: v["name"] for c in own(server, "", language="ru") for v in c["versions"]}
    assert sorted((t["source"], t["target"]) for t in tables.values()) == sorted(
        (names[t["source"]], names[t["target"]]) for t in own(server, "/nace21/tables")
    )
    table_id = next(k for k, t in tables.items() if t["target"] == "NACE, ред. 2")
    by_id = klass.KlassCorrespondence(table_id)
    rows = requests.get(
        f"{server}/api/v1/classifications/tables/nace21-nace2/export",
        params={"format": "json"},
        timeout=60,
    ).json()
    assert sorted(zip(by_id.data["sourceCode"], by_id.data["targetCode"], strict=True)) == sorted(
        (r["source_code"], r["target_code"]) for r in rows
    )
    assert klass.correspondence_table_by_id(table_id)["changeTable"] is True
    joined = version.join_all_correspondences_on_data()
    assert len(joined) == len(version.data)
    assert len(version.get_all_correspondences()) == len(tables)
    assert version.get_correspondence(table_id).sourceId == int(version.version_id)


def test_variants_of_a_version(server):
    pk = ids(server)["isic"]
    isic = klass.KlassClassification(pk)
    version = isic.get_version(
        next(v["version_id"] for v in isic.versions if v["validFrom"] == "2008-01-01")
    )
    [(variant_id, name)] = version.variants_simple().items()
    assert name == "Товары и услуги"
    variant = version.get_variant(variant_id)
    assert variant.to_dict() == {"A": "G", "B": "G", "C": "G", "F": "G", "H": "S"}
    assert version.get_variant(search_term="товары").variant_id == variant_id
    assert [v.variant_id for v in version.get_all_variants()] == [variant_id]
    sections = own(server, "/isic4/codes", date="2020-01-01", level="section", language="ru")
    titles = {c["code"]: c["name"] for c in sections}
    by_name = isic.get_variant_by_name("Товары", "2020-01-01")
    assert dict(zip(by_name.data["code"], by_name.data["name"], strict=True)) == {
        "G": "Production of goods", "S": "Services", **{c: titles[c] for c in "ABCFH"}
    }  # fmt: skip
    ranged = klass.KlassVariantSearchByName(
        pk, "Товары", "2020-01-01", "2021-01-01", select_level=2
    )
    assert sorted(ranged.data["code"]) == ["A", "B", "C", "F", "H"]
    assert len(klass.variant(pk, "Товары", "2020-01-01", "2021-01-01")) == 7
    assert len(klass.variant_at(pk, "Товары", "2020-01-01")) == 7
    assert klass.variants_by_id(variant_id)["name"] == name
    joined = version.join_all_variants_on_data()
    assert dict(zip(joined["code"], joined.iloc[:, -1], strict=True))["C"] == "G"


def test_families_sections_and_search(server):
    families = klass.KlassSearchFamilies()
    # Economic activities, and the export-control lists (the EU dual-use list).
    control, family = sorted(families.families, key=lambda f: f["numberOfClassifications"])
    activities = [c for c in own(server, "", language="ru") if c["kind"] == "activity"]
    assert control["numberOfClassifications"] == len(own(server, "")) - len(activities) == 1
    assert family["numberOfClassifications"] == len(activities)
    assert len(klass.classificationfamilies()["_embedded"]["classificationFamilies"]) == 2
    fam = klass.KlassFamily(family["family_id"])
    assert sorted(c["name"] for c in fam.classifications) == sorted(c["name"] for c in activities)
    assert fam.get_classification().name == fam.classifications[0]["name"]
    assert klass.classificationfamilies_by_id(family["family_id"])["name"] == fam.name
    owners = {c["owner"] for c in own(server, "")}
    assert {s.split(" ")[0] for s in klass.sections_list()} == owners
    assert set(klass.sections_dict()) == owners
    found = klass.KlassSearchClassifications("fishing")
    hits = {c["version"] for c in own(server, "/search", q="fishing", limit=1000)}
    expected = {
        c["name"]
        for c in own(server, "", language="ru")
        if {v["slug"] for v in c["versions"]} & hits
    }
    assert {c["name"] for c in found.classifications} == expected
    assert klass.classification_search("fishing")["page"]["totalElements"] == len(expected)
    kz = klass.KlassSearchClassifications("", ssbsection="KZ")
    assert [c["name"] for c in kz.classifications] == [
        c["name"] for c in own(server, "", language="ru") if c["owner"] == "KZ"
    ]
    assert klass.search_classification() is not None  # the notebook widget builds without calling


def test_code_lists_as_dicts_pivots_and_dates(server):
    pk = ids(server)["okved"]
    codes = klass.get_codes(pk, "2024-06-01")
    katalog = own(server, "/okved2/codes", date="2024-06-01", language="ru")
    assert codes.to_dict() == {c["code"]: c["name"] for c in katalog}
    assert isinstance(klass.get_codes(pk, "2024-06-01", dataframe=True), type(codes.data))
    pivot = codes.pivot_level()
    assert len(pivot) == sum(1 for c in katalog if c["level"] == "type")
    assert codes.change_dates("2025-06-01").from_date == "2025-06-01"


def test_languages_the_client_refuses_and_the_server_accepts(server):
    """The client only lets nb, nn and en through; katalog's languages pass once added to
    `klass.config.LANGUAGES`, and titles missing in a language come in Russian."""
    pk = ids(server)["okved"]
    with pytest.raises(ValueError, match="valid languages"):
        klass.KlassClassification(pk, language="kk")
    klass_config.LANGUAGES.append("kk")
    try:
        kk = klass.codes_at(pk, "2024-06-01", language="kk", select_codes="2540")
    finally:
        klass_config.LANGUAGES.remove("kk")
    assert list(kk["name"]) == [
        c["name"]
        for c in own(server, "/okved2/codes", date="2024-06-01", language="ru")
        if c["code"] == "25.40"
    ]
    with pytest.raises(requests.HTTPError) as caught:
        klass.codes_at(pk, "2014-02-01")  # OKVED2 is known as published on 2023-12-01
    assert caught.value.response.status_code == 422
    assert caught.value.response.json()["code"] == "VERSION_HISTORY_UNKNOWN"
