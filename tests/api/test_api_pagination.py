"""Keyset pagination: `after` cursors, `limit` bounds, `next` in the body and the Link header;
pages stay stable when rows are added before the cursor."""

import pytest

from katalog.core.actors import SYSTEM_INIT
from tests.factories import make_item


@pytest.fixture
def items(db):
    return [make_item("RU") for _ in range(7)]


def walk(client, path):
    seen, pages = [], 0
    while path:
        response = client.get(path)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += body["items"]
        pages += 1
        if body["next"]:
            link = response["Link"]
            assert link.endswith('rel="next"')
            path = link[1 : link.index(">")]
            assert f"after={body['next']}" in path
        else:
            assert "Link" not in response
            path = None
    return seen, pages


def test_walks_every_item_once_in_number_order(client, items):
    seen, pages = walk(client, "/api/v1/items?limit=3&bureau=RU")
    numbers = [row["catalogue_number"] for row in seen]
    assert numbers == sorted(i.catalogue_number for i in items)
    assert pages == 3


def test_rows_added_behind_the_cursor_do_not_shift_the_next_page(client, items):
    first = client.get("/api/v1/items?limit=3").json()
    second_before = client.get(f"/api/v1/items?limit=3&after={first['next']}").json()
    make_item("RU")  # a higher number: after every page already read
    second_after = client.get(f"/api/v1/items?limit=3&after={first['next']}").json()
    assert second_before["items"] == second_after["items"]


def test_filters(client, items):
    from katalog.catalog.models import Item

    Item.objects.filter(pk=items[0].pk).update(status="6")
    body = client.get("/api/v1/items?status=6").json()
    assert [row["catalogue_number"] for row in body["items"]] == [items[0].catalogue_number]
    assert client.get("/api/v1/items?class=5305").json()["items"] == []


@pytest.mark.parametrize("limit", [0, 501, -1])
def test_limit_out_of_bounds_is_422(client, db, limit):
    response = client.get(f"/api/v1/items?limit={limit}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("limit")


@pytest.mark.parametrize("cursor", ["not-a-cursor", "e30", "WzEsMl0"])
def test_foreign_cursor_is_422(client, db, cursor):
    response = client.get(f"/api/v1/items?after={cursor}")
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_CURSOR"


def test_manufacturers_by_prefix_of_code_or_name(client, db):
    from katalog.catalog.services import manufacturer_create

    for code, ru, en in [
        ("A100F", "Уральский завод", "Ural Works"),
        ("A101F", "Тульский завод", "Tula Works"),
        ("A200F", "Омский завод", "Omsk Works"),
    ]:
        manufacturer_create(actor=SYSTEM_INIT, code=code, names={"ru": ru, "en": en}, country="RU")
    codes = lambda q: [m["code"] for m in client.get(f"/api/v1/manufacturers?{q}").json()["items"]]  # noqa: E731
    assert codes("q=A10") == ["A100F", "A101F"]
    assert codes("q=тул") == ["A101F"]
    assert codes("q=omsk") == ["A200F"]
    seen, pages = walk(client, "/api/v1/manufacturers?q=A&limit=2")
    assert [m["code"] for m in seen] == ["A100F", "A101F", "A200F"]
    assert pages == 2


def test_item_names_by_prefix(client, db):
    body = client.get("/api/v1/item-names?q=10101").json()
    assert [n["code"] for n in body["items"]] == ["10101"]
    seen, _pages = walk(client, "/api/v1/item-names?limit=100")
    codes = [n["code"] for n in seen]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


def test_history_pages_oldest_first(client, db):
    from katalog.catalog import services
    from tests.factories import bureau

    item = make_item("RU")
    for key in ("KZ", "BY"):
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(key))
    seen, pages = walk(client, f"/api/v1/items/{item.niin}/history?limit=1")
    ids = [event["id"] for event in seen]
    assert ids == sorted(ids)
    assert len(ids) == pages >= 3
    text_cursor = client.get(f"/api/v1/items/{item.niin}/history?after=WyJ4Il0")  # ["x"]
    assert text_cursor.json()["code"] == "INVALID_CURSOR"
