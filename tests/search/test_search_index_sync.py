"""The index follows every write path: services, bulk inserts, updates, deletes; and it can be
rebuilt after a table rebuild dropped its triggers."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from katalog.catalog.models import Item, Reference
from katalog.core.actors import SYSTEM_INIT
from katalog.core.text import ascii_code_key, code_key, search_words
from katalog.search.backends import ensure_search_schema
from katalog.search.selectors import SearchQuery, search
from tests.factories import bureau


def _found(q: str) -> set[str]:
    return {hit["niin"] for hit in search(SearchQuery(q=q), lang="en", reader=SYSTEM_INIT).hits}


def _bulk_item(catalogue, serial: int, name_text: str) -> Item:
    template = catalogue["valve"]
    Item.objects.bulk_create(
        [
            Item(
                niin=f"{template.bureau_code}{serial:07d}",
                supply_class="5310",
                bureau_code=template.bureau_code,
                serial=serial,
                item_name=template.item_name,
                name_text=name_text,
                bureau=bureau("KZ"),
                search_text=search_words(name_text),
            )
        ]
    )
    return Item.objects.get(niin=f"{template.bureau_code}{serial:07d}")


@pytest.mark.django_db
def test_search_index_follows_bulk_insert_update_and_delete(catalogue):
    item = _bulk_item(catalogue, 9_000_001, "ФИЛЬТР ТОПЛИВНЫЙ")
    assert _found("фильтр топливный") == {item.niin}
    assert _found("toplivnyy") == {item.niin}
    Item.objects.filter(pk=item.pk).update(search_text=search_words("НАСОС ТОПЛИВНЫЙ"))
    assert _found("фильтр") == set()
    assert _found("насос топливный") == {item.niin}
    Item.objects.filter(pk=item.pk).delete()
    assert _found("топливный") == set()


@pytest.mark.django_db
def test_search_fuzzy_references_follow_bulk_insert(catalogue):
    item = catalogue["washer"]
    Reference.objects.bulk_create(
        [
            Reference(
                item=item,
                manufacturer=catalogue.makers["A002F"],
                number="XK-77310-B",
                key=code_key("XK-77310-B"),
                ascii_key=ascii_code_key("XK-77310-B"),
                bureau=item.bureau,
            )
        ]
    )
    page = search(SearchQuery(q="XK77311B"), lang="en", reader=SYSTEM_INIT)
    assert [hit["niin"] for hit in page.hits] == [item.niin]
    assert page.hits[0]["matched_by"] == "reference_fuzzy"
    assert page.interpretation["reference_fuzzy"] == ["XK77310B"]


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL indexes the base columns; no triggers"
)
def test_search_schema_is_restored_after_triggers_were_dropped(catalogue):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_item_ai")
    item = _bulk_item(catalogue, 9_000_002, "ФИЛЬТР МАСЛЯНЫЙ")
    assert _found("масляный") == set()
    assert ensure_search_schema() is True
    assert _found("масляный") == {item.niin}
    assert ensure_search_schema() is False


@pytest.mark.django_db(transaction=True)
def test_search_rebuild_command(transactional_db, catalogue, capsys):
    # Committed data: PostgreSQL does not rebuild an index inside a transaction with pending writes.
    call_command("search", "--rebuild")
    assert "rebuilt" in capsys.readouterr().out
    assert _found("гайка") == {
        catalogue[label].niin for label in ("nut_m10", "nut_locking", "nut_kz", "nut_kz_02")
    }


@pytest.mark.django_db
def test_migrate_puts_a_dropped_search_schema_back(catalogue):
    """`katalog migrate` (post_migrate of the catalogue app) restores the search schema, as
    after a migration that rebuilt a catalogue table on SQLite."""
    from katalog.search.backends import drop_search_schema

    if connection.vendor == "postgresql":
        # The fixture's rows are still in this test's transaction with deferred key checks,
        # which PostgreSQL would not let an index be built under (a real migrate starts clean).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    drop_search_schema()
    call_command("migrate", verbosity=0, interactive=False)
    assert _found("гайка") == {
        catalogue[label].niin for label in ("nut_m10", "nut_locking", "nut_kz", "nut_kz_02")
    }
