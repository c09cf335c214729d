import pytest

from katalog.core.errors import NotFound
from katalog.names import selectors

pytestmark = pytest.mark.django_db


def test_item_names_page_by_key_without_repeating_or_skipping():
    first = selectors.item_name_list(limit=2)
    assert len(first.rows) == 2
    assert first.more
    assert first.next_after == first.rows[-1].code
    second = selectors.item_name_list(after=first.next_after, limit=2)
    codes = [n.code for n in first.rows + second.rows]
    assert codes == sorted(set(codes))
    everything = selectors.item_name_list(limit=10_000)
    assert not everything.more
    assert everything.next_after is None


def test_item_names_are_found_by_code_prefix_or_a_word_in_any_language():
    assert "10101" in [n.code for n in selectors.item_name_list(q="гайка").rows]
    assert "10101" in [n.code for n in selectors.item_name_list(q="nut").rows]
    by_code = [n.code for n in selectors.item_name_list(q="102").rows]
    assert by_code
    assert all(code.startswith("102") for code in by_code)


def test_item_name_with_its_guide_classes_and_characteristics():
    name = selectors.item_name_get(" 10101 ")
    assert "5310" in selectors.item_name_class_codes(name)
    positions = [c.position for c in selectors.guide_characteristics(name.guide)]
    assert positions == sorted(positions)
    assert selectors.guide_characteristic("10101", "THDD").code == "THDD"
    assert "10101" in [n.code for n in selectors.class_item_names("5310").rows]
    assert "10101" in [n.code for n in selectors.class_item_names_by_class(["5310"])["5310"]]


def test_unknown_names_guides_and_characteristics_are_refused_with_their_codes():
    codes = []
    for read in (
        lambda: selectors.item_name_get("99999"),
        lambda: selectors.guide_get("NO-GUIDE"),
        lambda: selectors.guide_characteristic("10101", "NOPE"),
    ):
        with pytest.raises(NotFound) as refused:
            read()
        codes.append(refused.value.code)
    assert codes == ["ITEM_NAME_NOT_FOUND", "GUIDE_NOT_FOUND", "UNKNOWN_CHARACTERISTIC"]
