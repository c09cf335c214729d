"""'Corresponds to': direct and composed lookups with many-to-many fan-out and step kinds."""

from __future__ import annotations

import datetime as dt

import pytest

from katalog.classifiers import selectors, services
from katalog.classifiers.models import Classification, ClassificationFamily, CorrespondenceRow
from katalog.core.errors import NotFound


def _lookup(source: str, code: str, target: str, *, all_targets: bool = True):
    item = selectors.item_get(version=selectors.version_get(slug=source), code=code)
    return selectors.correspond(
        item=item, target=selectors.version_get(slug=target), all_targets=all_targets
    )


def _paths(result):
    """Target code → its trails through the tables (steps inside one version left out)."""
    nodes = result.composition.nodes
    return {
        t.node.code: [
            [(nodes[h.source].code, nodes[h.target].code, h.kind) for h in trail.hops if h.table]
            for trail in t.trails
        ]
        for t in result.matches
    }


@pytest.mark.django_db
def test_okved2_to_isic5_is_composed_through_nace2_and_isic4_with_fan_out():
    result = _lookup("okved2", "03.11", "isic5")
    assert [(s.table.slug, s.reverse) for s in result.route] == [
        ("okved2-nace2", False),
        ("nace2-isic4", False),
        ("isic4-isic5", False),
    ]
    # ISIC Rev.5 moved support activities for fishing out of 0311 into the new class 0330.
    assert _paths(result) == {
        "0311": [
            [
                ("03.11", "03.11", "derived"),
                ("03.11", "0311", "official"),
                ("0311", "0311", "official"),
            ]
        ],
        "0330": [
            [
                ("03.11", "03.11", "derived"),
                ("03.11", "0311", "official"),
                ("0311", "0330", "official"),
            ]
        ],
    }
    assert [t.is_official for t in result.matches] == [False, False]


@pytest.mark.django_db
def test_a_direct_official_table_is_used_alone():
    result = _lookup("isic4", "2610", "isic5")
    assert [s.table.slug for s in result.route] == ["isic4-isic5"]
    assert _paths(result) == {
        "2611": [[("2610", "2611", "official")]],
        "2619": [[("2610", "2619", "official")]],
    }
    assert all(t.is_official for t in result.matches)


@pytest.mark.django_db
def test_tables_are_read_backwards_and_merges_fan_out_to_every_source():
    result = _lookup("isic5", "0330", "okved2")
    assert [(s.table.slug, s.reverse) for s in result.route] == [
        ("isic4-isic5", True),
        ("nace2-isic4", True),
        ("okved2-nace2", True),
    ]
    # Only same-code rows are followed backwards: no OKVED2 subclasses appear as counterparts.
    assert sorted(_paths(result)) == ["03.11", "03.12", "03.21", "03.22"]


@pytest.mark.django_db
def test_oked_subclass_with_missing_parent_still_corresponds_by_its_digits():
    result = _lookup("oked2019", "27120", "isic4")
    assert _paths(result) == {
        "2710": [[("27120", "27.12", "derived"), ("27.12", "2710", "official")]]
    }


@pytest.mark.django_db
def test_gked_subclass_goes_through_its_class_when_the_table_stops_at_classes():
    result = _lookup("gked2011", "25.11.0", "isic4")
    assert result.via_ancestor.code == "25.11"
    assert _paths(result) == {
        "2511": [[("25.11", "25.11", "derived"), ("25.11", "2511", "official")]]
    }


@pytest.mark.django_db
def test_okved2_only_codes_reach_isic_through_their_nearest_common_ancestor():
    result = _lookup("okved2", "19.31", "isic4")
    assert list(_paths(result)) == ["19"]


@pytest.mark.django_db
def test_composed_harmonised_table_agrees_with_composition_on_the_fly():
    stored = set(
        CorrespondenceRow.objects.filter(
            table__slug="mkved1-isic5", source__code="10.85"
        ).values_list("target__code", flat=True)
    )
    live = set(_paths(_lookup("mkved1", "10.85", "isic5")))
    assert stored == live == {"1075"}


@pytest.mark.django_db
def test_every_national_version_maps_to_the_harmonised_version():
    cases = [
        ("okved2", "25.40", "25.40"),
        ("okved2", "01.11.11", "01.11"),
        ("oked2019", "25400", "25.40"),
        ("gked2011", "25.40.0", "25.40"),
        # NACE Rev.2.1 renumbered: its 25.40 (forging) is Rev.2's 25.50.
        ("nace21", "25.40", "25.50"),
    ]
    for source, code, expected in cases:
        assert list(_paths(_lookup(source, code, "mkved1"))) == [expected], source


@pytest.mark.django_db
def test_no_route_between_unconnected_versions():
    family = ClassificationFamily.objects.get(slug="economic-activity")
    Classification.objects.create(family=family, slug="island", names={"en": "Island"})
    version = services.version_import(
        classification="island",
        slug="island1",
        names={"en": "Island"},
        valid_from=dt.date(2020, 1, 1),
        content=b"code,level,parent,name_en\nA,section,,A\n",
        filename="i.csv",
    )
    item = selectors.item_get(version=version, code="A")
    with pytest.raises(NotFound) as caught:
        selectors.correspond(item=item, target=selectors.version_get(slug="isic4"))
    assert caught.value.code == "NO_CORRESPONDENCE_PATH"


@pytest.mark.django_db
def test_nace21_class_splitting_over_two_nace2_classes_reaches_both_in_the_harmonised_version():
    assert sorted(_paths(_lookup("nace21", "25.53", "mkved1"))) == ["25.61", "25.62"]
