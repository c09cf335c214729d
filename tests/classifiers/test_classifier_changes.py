"""Changes between ISIC Rev.4 and Rev.5: new, removed, renamed, split and merged codes."""

from __future__ import annotations

import pytest

from katalog.classifiers import selectors


@pytest.fixture
def changes(db):
    return selectors.changes_between(
        source=selectors.version_get(slug="isic4"),
        target=selectors.version_get(slug="isic5"),
        language="en",
    )


def _pairs(changes, kind):
    return {(tuple(c.source_codes), tuple(c.target_codes)) for c in changes.of_kind(kind)}


def test_counts_of_each_kind(changes):
    counts = {k: len(changes.of_kind(k)) for k in ("new", "removed", "renamed", "split", "merged")}
    assert counts == {"new": 130, "removed": 66, "renamed": 165, "split": 116, "merged": 54}
    assert changes.table.slug == "isic4-isic5"


def test_real_splits(changes):
    split = _pairs(changes, "split")
    assert (("2610",), ("2611", "2619")) in split
    assert (("0311",), ("0311", "0330")) in split


def test_real_merges(changes):
    merged = _pairs(changes, "merged")
    assert (("0311", "0312", "0321", "0322"), ("0330",)) in merged
    assert (("3510", "3520"), ("3540",)) in merged


def test_new_removed_and_renamed_codes(changes):
    assert ((), ("0330",)) in _pairs(changes, "new")
    assert (("2610",), ()) in _pairs(changes, "removed")
    renamed = {
        c.source_codes[0]: (c.source_title, c.target_title) for c in changes.of_kind("renamed")
    }
    assert renamed["1103"] == ("Manufacture of malt liquors and malt", "Manufacture of beer")
    # Case and spacing alone are not a rename.
    assert "0111" not in renamed


@pytest.mark.django_db
def test_without_a_table_only_code_identity_changes_are_found():
    result = selectors.changes_between(
        source=selectors.version_get(slug="okved2"), target=selectors.version_get(slug="oked2019")
    )
    assert result.table is None
    assert not result.of_kind("split")
    assert not result.of_kind("merged")
    assert ((), ("01111",)) in _pairs(result, "new")
