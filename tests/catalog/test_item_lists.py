"""Preferred items and restrictive lists: who keeps a list, its scope and validity, the audit
entries, and what each reader learns of the items on it (the release rules)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from katalog.audit.selectors import object_history
from katalog.catalog import list_selectors, selectors, services
from katalog.catalog.models import Item, ItemListEntry
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ValidationFailed,
)
from katalog.names.models import ItemName
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def person(bureau_key: str, roles=None):
    return UserFactory(
        username=f"{bureau_key.lower()}-lists-{'-'.join(roles or ['c'])}",
        bureau=bureau(bureau_key),
        roles=roles,
    )


def new_list(actor, kind="restrictive", code="ОГР-1", **kwargs):
    fields = {
        "kind": kind,
        "code": code,
        "name": "Ограничительный перечень крепежа",
        "valid_from": TODAY - dt.timedelta(days=10),
        "act_number": "Приказ 17",
        "act_date": TODAY - dt.timedelta(days=12),
        **kwargs,
    }
    return services.item_list_create(actor=actor, **fields)


def test_a_bureau_keeps_its_own_lists():
    ru = person("RU")
    item_list = new_list(ru, supply_classes=["5310"], item_names=["10101"])
    assert (item_list.bureau.key, item_list.supply_classes, item_list.item_names) == (
        "RU",
        ["5310"],
        ["10101"],
    )
    item = make_item("RU")
    with pytest.raises(PermissionDenied) as refused:
        services.item_list_entry_add(actor=person("KZ"), item_list=item_list, item=item)
    assert refused.value.code == "NOT_LIST_BUREAU"
    assert not ItemListEntry.objects.filter(item_list=item_list).exists()


def test_the_centre_keeps_its_own_and_not_a_bureaus():
    centre = new_list(person("MC"), code="MC-1")
    assert centre.bureau.key == "MC"
    ru_list = new_list(person("RU"))
    with pytest.raises(PermissionDenied):
        services.item_list_entry_add(actor=person("MC"), item_list=ru_list, item=make_item("RU"))
    with pytest.raises(PermissionDenied):
        new_list(person("RU"), code="X", bureau=bureau("MC"))


def test_a_viewer_keeps_no_list():
    with pytest.raises(PermissionDenied) as refused:
        new_list(person("RU", roles=["viewer"]))
    assert refused.value.code == "MISSING_ROLE"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "favourite"}, "UNKNOWN_LIST_KIND"),
        ({"name": " "}, "LIST_NAME_REQUIRED"),
        ({"act_number": ""}, "LIST_ACT_REQUIRED"),
        ({"valid_to": TODAY - dt.timedelta(days=30)}, "LIST_VALIDITY"),
        ({"supply_classes": ["0000"]}, "UNKNOWN_SUPPLY_CLASS"),
        ({"item_names": ["00000"]}, "UNKNOWN_ITEM_NAME"),
    ],
)
def test_invalid_lists_are_refused(fields, code):
    with pytest.raises(ValidationFailed) as refused:
        new_list(person("RU"), **fields)
    assert refused.value.code == code


def test_a_code_is_used_once_per_bureau():
    new_list(person("RU"))
    with pytest.raises(Conflict) as refused:
        new_list(person("RU"))
    assert refused.value.code == "LIST_CODE_TAKEN"
    new_list(person("KZ"))  # another bureau's list of the same code


def test_an_item_outside_the_scope_is_refused():
    other_name = ItemName.objects.exclude(code="10101").order_by("code").first()
    item_list = new_list(person("RU"), item_names=["10101"])
    outside = make_item("RU", item_name_code=other_name.code)
    with pytest.raises(RuleViolation) as refused:
        services.item_list_entry_add(actor=person("RU"), item_list=item_list, item=outside)
    assert refused.value.code == "ITEM_OUT_OF_LIST_SCOPE"
    classes = new_list(person("RU"), code="K", supply_classes=["5305"])
    with pytest.raises(RuleViolation):
        services.item_list_entry_add(actor=person("RU"), item_list=classes, item=make_item("RU"))
    assert not ItemListEntry.objects.exists()


def test_an_item_is_on_a_list_once_and_taken_off():
    ru = person("RU")
    item_list = new_list(ru)
    item = make_item("RU")
    services.item_list_entry_add(actor=ru, item_list=item_list, item=item, note="не применять")
    with pytest.raises(Conflict) as refused:
        services.item_list_entry_add(actor=ru, item_list=item_list, item=item)
    assert refused.value.code == "ALREADY_ON_LIST"
    services.item_list_entry_remove(actor=ru, item_list=item_list, item=item)
    assert not ItemListEntry.objects.exists()
    with pytest.raises(NotFound) as missing:
        services.item_list_entry_remove(actor=ru, item_list=item_list, item=item)
    assert missing.value.code == "NOT_ON_LIST"


def test_changes_are_audited_and_move_the_items_version():
    ru = person("RU")
    item_list = new_list(ru)
    item = make_item("RU")
    version = item.row_version
    services.item_list_entry_add(actor=ru, item_list=item_list, item=item)
    assert Item.objects.get(pk=item.pk).row_version == version + 1
    actions = [e.action for e in object_history("item_list", str(item_list.pk))]
    assert sorted(actions) == ["item_list_created", "item_list_entry_added"]
    assert "item_list_entry_added" in [e.action for e in object_history("item", item.niin)]


def test_an_item_on_a_list_in_force_is_marked_and_an_expired_list_marks_nothing():
    ru = person("RU")
    in_force = new_list(ru)
    expired = new_list(
        ru,
        code="OLD",
        valid_from=TODAY - dt.timedelta(days=400),
        valid_to=TODAY - dt.timedelta(days=1),
    )
    future = new_list(ru, code="NEW", kind="preferred", valid_from=TODAY + dt.timedelta(days=5))
    item, other = make_item("RU"), make_item("RU")
    services.item_list_entry_add(actor=ru, item_list=in_force, item=item, note="заменить")
    for item_list in (expired, future):
        services.item_list_entry_add(actor=ru, item_list=item_list, item=other)
    shown = selectors.item_detail(item, reader=ru)
    assert [(m["kind"], m["code"], m["act"]["number"], m["note"]) for m in shown["lists"]] == [
        ("restrictive", "ОГР-1", "Приказ 17", "заменить")
    ]
    assert selectors.item_detail(other, reader=ru)["lists"] == []
    ids = {item.pk, other.pk}
    assert list_selectors.restricted_item_ids(reader=ru, item_ids=ids) == {item.pk}
    assert list_selectors.preferred_item_ids(reader=ru, item_ids=ids) == set()
    on_day = TODAY + dt.timedelta(days=6)
    assert list_selectors.preferred_item_ids(reader=ru, item_ids=ids, on=on_day) == {other.pk}


def test_an_outsider_does_not_learn_of_an_item_it_may_not_see():
    kz = person("KZ")
    item_list = new_list(kz, kind="preferred")
    secret = make_item("KZ", release="restricted")
    public = make_item("KZ")
    for item in (secret, public):
        services.item_list_entry_add(actor=kz, item_list=item_list, item=item)
    ru = person("RU")
    page = list_selectors.item_list_entries(item_list, reader=ru)
    assert [e.item.niin for e in page.rows] == [public.niin]
    assert list_selectors.item_list_entry_count(item_list, reader=ru) == 1
    assert list_selectors.item_list_entry_count(item_list, reader=kz) == 2
    assert selectors.item_detail(secret, reader=ru)["lists"] == []
    assert list_selectors.preferred_item_ids(reader=ru) == {public.pk}
    assert list_selectors.item_list_marks([secret.pk, public.pk], reader=ru).keys() == {public.pk}
    assert list_selectors.preferred_items_for(["10101"], reader=ru) == {
        "10101": [(public.pk, public.supply_class)]
    }


def test_entries_are_keyset_paged_in_number_order():
    item_list = new_list(SYSTEM_INIT, bureau=bureau("RU"))
    items = sorted((make_item("RU") for _ in range(3)), key=lambda i: i.niin)
    for item in reversed(items):
        services.item_list_entry_add(actor=SYSTEM_INIT, item_list=item_list, item=item)
    first = list_selectors.item_list_entries(item_list, reader=SYSTEM_INIT, limit=2)
    second = list_selectors.item_list_entries(
        item_list, reader=SYSTEM_INIT, after=first.next_after, limit=2
    )
    assert [e.item.niin for e in first.rows + second.rows] == [i.niin for i in items]
    assert second.next_key is None


# --- the command line ---------------------------------------------------------------------


def test_the_command_loads_a_file_and_reports_refused_rows(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    ru = person("RU")
    item_list = new_list(ru, supply_classes=["5310"])
    good, outside = make_item("RU"), make_item("RU", supply_class="5305")
    source = tmp_path / "entries.csv"
    source.write_text(f"niin,note\n{good.niin},заменить\n{outside.niin},\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command(
            "lists", "import", str(item_list.pk), str(source), "--actor", ru.username,
            stdout=out, stderr=err,
        )  # fmt: skip
    assert "line 3: ITEM_OUT_OF_LIST_SCOPE" in err.getvalue()
    assert list(ItemListEntry.objects.values_list("item_id", "note")) == [(good.pk, "заменить")]
