import datetime as dt

import pytest

from katalog.core.errors import NotFound
from katalog.refdata import selectors
from katalog.refdata.models import SupplyClass

pytestmark = pytest.mark.django_db


def test_a_class_out_of_its_validity_period_is_not_current():
    SupplyClass.objects.create(
        code="5399",
        group_code="53",
        titles={"en": "Old"},
        valid_from=dt.date(2000, 1, 1),
        valid_to=dt.date(2001, 1, 1),
    )
    assert "5399" not in [c.code for c in selectors.supply_class_list(group="53")]
    assert "5399" in [
        c.code for c in selectors.supply_class_list(group="53", on=dt.date(2000, 6, 1))
    ]
    with pytest.raises(NotFound) as refused:
        selectors.supply_class_get("5399")
    assert refused.value.code == "SUPPLY_CLASS_NOT_FOUND"
    assert "5399" not in selectors.supply_class_titles(["5310", "5399"])


def test_groups_and_classes_are_current_and_in_code_order():
    groups = [g.code for g in selectors.supply_group_list()]
    assert "53" in groups
    assert groups == sorted(groups)
    classes = selectors.supply_class_list(group="53")
    assert "5310" in [c.code for c in classes]
    assert all(c.group_code == "53" for c in classes)
    assert selectors.supply_group_get("53").code == "53"


def test_unknown_group_and_code_table_are_refused_with_their_codes():
    with pytest.raises(NotFound) as group:
        selectors.supply_group_get("00")
    with pytest.raises(NotFound) as table:
        selectors.code_table_get("NO_SUCH_TABLE")
    assert (group.value.code, table.value.code) == (
        "SUPPLY_GROUP_NOT_FOUND",
        "CODE_TABLE_NOT_FOUND",
    )


def test_code_table_is_found_by_its_name_in_any_case():
    table = selectors.code_table_get("item_status")
    assert table.key == "ITEM_STATUS"
    assert selectors.code_table_values(table)
