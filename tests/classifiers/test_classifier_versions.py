"""Validity-date rules: versions valid at a date, inclusive ends, no overlaps."""

from __future__ import annotations

import datetime as dt

import pytest

from katalog.classifiers import selectors, services
from katalog.classifiers.models import Classification, Item, Version
from katalog.classifiers.rules import dates_overlap
from katalog.core.errors import NotFound, RuleViolation, ValidationFailed

D = dt.date
CSV = b"code,level,parent,name_en\nA,section,,Alpha\n01,division,A,One\n"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2008, 1, 1), "isic4"),
        (D(2023, 12, 31), "isic4"),
        (D(2024, 1, 1), "isic5"),
        (D(2030, 6, 1), "isic5"),
    ],
)
@pytest.mark.django_db
def test_the_version_valid_at_a_date_includes_both_ends(on, expected):
    isic = selectors.classification_get(slug="isic")
    assert selectors.version_at(classification=isic, on=on).slug == expected


@pytest.mark.django_db
def test_no_version_before_the_first_one():
    with pytest.raises(NotFound) as caught:
        selectors.version_resolve(ref="nace", on=D(2007, 12, 31))
    assert caught.value.code == "NO_VERSION_AT_DATE"


@pytest.mark.django_db
def test_codes_valid_at_a_date_follow_the_version_and_the_item_dates():
    isic4 = Version.objects.get(slug="isic4")
    assert selectors.items_at(version=isic4, on=D(2020, 1, 1)).count() == 766
    with pytest.raises(RuleViolation) as caught:  # outside the version: an error, not nothing
        selectors.items_at(version=isic4, on=D(2024, 1, 1))
    assert caught.value.code == "DATE_OUTSIDE_VERSION"
    Item.objects.filter(version=isic4, code="0111").update(valid_to=D(2019, 12, 31))
    assert not selectors.items_at(version=isic4, on=D(2020, 1, 1)).filter(code="0111").exists()
    assert selectors.items_at(version=isic4, on=D(2019, 12, 31)).filter(code="0111").exists()


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((D(2008, 1, 1), D(2023, 12, 31)), (D(2024, 1, 1), None), False),
        ((D(2008, 1, 1), D(2023, 12, 31)), (D(2023, 12, 31), None), True),
        ((D(2008, 1, 1), None), (D(2030, 1, 1), None), True),
        ((D(2030, 1, 1), D(2030, 1, 1)), (D(2008, 1, 1), D(2029, 12, 31)), False),
    ],
)
def test_dates_overlap_on_inclusive_intervals(a, b, overlap):
    assert dates_overlap(*a, *b) is overlap
    assert dates_overlap(*b, *a) is overlap


@pytest.mark.django_db
def test_a_version_overlapping_another_of_its_classification_is_refused():
    with pytest.raises(RuleViolation) as caught:
        services.version_import(
            classification="isic",
            slug="isic6",
            names={"en": "ISIC Rev.6"},
            valid_from=D(2030, 1, 1),
            content=CSV,
            filename="isic6.csv",
        )
    assert (caught.value.code, caught.value.data) == ("VERSION_OVERLAP", {"overlaps": "isic5"})
    assert not Version.objects.filter(slug="isic6").exists()


@pytest.mark.django_db
def test_a_version_may_start_the_day_after_the_previous_one_ends():
    Version.objects.filter(slug="okved2").update(valid_to=D(2025, 12, 31))
    made = services.version_import(
        classification="okved",
        slug="okved3",
        names={"en": "OKVED3"},
        valid_from=D(2026, 1, 1),
        content=CSV,
        filename="okved3.csv",
    )
    okved = Classification.objects.get(slug="okved")
    assert selectors.version_at(classification=okved, on=D(2026, 1, 1)) == made
    assert selectors.version_at(classification=okved, on=D(2025, 12, 31)).slug == "okved2"


@pytest.mark.django_db
def test_dates_in_the_wrong_order_are_refused():
    with pytest.raises(ValidationFailed) as caught:
        services.version_import(
            classification="okved",
            slug="okved3",
            names={"en": "x"},
            valid_from=D(2030, 1, 2),
            valid_to=D(2030, 1, 1),
            content=CSV,
            filename="x.csv",
        )
    assert caught.value.code == "VERSION_DATES_REVERSED"
    assert not Version.objects.filter(slug="okved3").exists()
