"""The reduction report's benchmark figures: each pass reports what it found."""

from __future__ import annotations

import pytest

from katalog.benchmarks.reduction import reduction_figures
from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import make_item

pytestmark = pytest.mark.django_db


def test_the_reduction_figures_count_the_groups_found():
    for _copy in range(2):
        item = make_item("RU")
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code="MATL", raw="STL")
    figures = {f.name: f.result for f in reduction_figures()}
    assert figures["groups with the same key characteristics"].startswith("1 groups in ")
    assert figures["groups of probable duplicates (screening candidates)"].startswith("0 groups")
    assert figures["cancelled items still registered / items without users"].startswith("0 / 2 ")
