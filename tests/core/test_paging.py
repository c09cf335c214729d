"""The one keyset pager: ascending, descending and composite keys walk a list whole, once each
row, and the cursor is the API's base64 JSON list."""

from __future__ import annotations

import base64

import pytest

from katalog.accounts.models import Bureau
from katalog.core.paging import (
    InvalidCursor,
    cut_page,
    decode_cursor,
    encode_cursor,
    keyset_page,
    pack,
    unpack,
)
from katalog.refdata.models import Country

pytestmark = pytest.mark.django_db


def walk(queryset, key, limit, field):
    """Every row of the list, page after page, by the value of `field` of each row."""
    seen, after = [], None
    while True:
        page = keyset_page(queryset, key, after=after, limit=limit)
        seen += [field(row) for row in page.rows]
        if not page.more:
            return seen
        after = page.next_after


def test_ascending_and_descending_keys_walk_the_list_whole():
    codes = list(Country.objects.order_by("alpha2").values_list("alpha2", flat=True))
    assert walk(Country.objects.all(), "alpha2", 7, lambda c: c.alpha2) == codes
    assert walk(Country.objects.all(), "-alpha2", 7, lambda c: c.alpha2) == codes[::-1]


def test_a_composite_key_orders_ties_by_the_next_column():
    rows = Bureau.objects.values("kind", "key")
    by_key = sorted(rows, key=lambda r: r["key"])
    expected = [r["key"] for r in sorted(by_key, key=lambda r: r["kind"], reverse=True)]
    assert len({r["kind"] for r in rows}) < len(expected)  # there are ties to break
    assert walk(rows, ("-kind", "key"), 2, lambda r: r["key"]) == expected


def test_the_last_page_has_no_key_and_a_full_page_says_more():
    page = keyset_page(Country.objects.all(), "alpha2", limit=3)
    assert page.more
    assert len(page.rows) == 3
    assert page.next_key == (page.rows[-1].alpha2,)
    assert page.next_after == page.rows[-1].alpha2
    assert not cut_page([1, 2], 3, "id").more


def test_a_cut_page_keeps_its_key_when_shaped():
    class Row:
        def __init__(self, pk):
            self.id = pk

    page = cut_page([Row(1), Row(2), Row(3)], 2, "id").map(lambda r: {"n": r.id})
    assert page.rows == [{"n": 1}, {"n": 2}]
    assert page.next_key == (2,)


def test_the_cursor_is_the_base64_json_list_the_api_gives_out():
    cursor = encode_cursor(["A101F"])
    assert cursor == base64.urlsafe_b64encode(b'["A101F"]').decode().rstrip("=")
    assert decode_cursor(cursor, 1) == ["A101F"]
    assert decode_cursor(encode_cursor(["гайка", 7]), 2) == ["гайка", 7]
    assert unpack(pack({"o": "номер"}, ascii_only=True)) == {"o": "номер"}


@pytest.mark.parametrize("text", ["not base64!", pack({"a": 1}), pack([True]), pack([1, 2]), "Ж"])
def test_a_cursor_not_given_out_is_refused(text):
    with pytest.raises(InvalidCursor):
        decode_cursor(text, 1)
