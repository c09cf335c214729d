"""Every write path keeps the screening keys and the items' names and classes beside their
characteristic values: a catalogue is screenable the moment it is loaded, without `katalog
screening_keys` and without the catch-up of a screening call."""

from __future__ import annotations

from django.db.models import F

from katalog.catalog.models import CharacteristicValue, Item, Reference
from katalog.catalog.replica import item_state
from katalog.catalog.services import (
    characteristic_set,
    item_identification_update,
    reference_add,
)
from katalog.catalog.services.replica import item_replica_apply
from katalog.core.actors import SYSTEM_EXCHANGE, SYSTEM_INIT
from katalog.screening.keys import folded_key, translit_key
from katalog.screening.models import ReferenceScreeningKey
from katalog.screening.services import ScreeningInput, screen
from katalog.synthetic.generator import generate_catalogue
from katalog.transfer.importers.base import Policy
from katalog.transfer.importers.kinds import import_file
from tests.factories import ManufacturerFactory, make_item


def _keys_of_every_reference() -> None:
    refs = dict(Reference.objects.values_list("pk", "number"))
    keys = {k.reference_id: k for k in ReferenceScreeningKey.objects.all()}
    assert refs
    assert set(keys) == set(refs)
    for pk, number in refs.items():
        assert keys[pk].folded_key == folded_key(number)
        assert keys[pk].translit_key == translit_key(number)


def test_screening_keys_of_a_single_write(db) -> None:
    maker = ManufacturerFactory(code="A100F")
    item = make_item()
    reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="УШГИ.235412.034")
    key = ReferenceScreeningKey.objects.get(reference__item=item)
    assert key.translit_key == translit_key("USHGI.235412.034")


def test_screening_keys_of_an_import(db, tmp_path) -> None:
    ManufacturerFactory(code="A100F")
    item = make_item()
    path = tmp_path / "refs.csv"
    path.write_text(
        "catalogue_number,reference_number,manufacturer_code\n"
        f"{item.catalogue_number},УШГИ.235412.034,A100F\n"
        f"{item.catalogue_number},HX9-M8-69,A100F\n",
        encoding="utf-8",
    )
    report = import_file("references", path, actor=SYSTEM_INIT)
    assert report.created == 2
    _keys_of_every_reference()


def test_screening_keys_of_the_generator(db) -> None:
    generate_catalogue(items=30, seed=3, chunk_items=10)
    _keys_of_every_reference()


# --- the item's name and class beside its values (screening by key values walks them) --------

NUT = {"THDD": "10 mm", "THDP": "1.5 mm", "MATL": "STL", "WDAF": "17 mm"}


def _values_carry_their_items_name_and_class() -> None:
    assert CharacteristicValue.objects.exists()
    stale = CharacteristicValue.objects.exclude(
        item_name_id=F("item__item_name_id"), supply_class=F("item__supply_class")
    )
    assert list(stale.values_list("item__niin", "characteristic__code")) == []


def _found_by_values(name: str, supply_class: str = "5310") -> list[int]:
    described = ScreeningInput(item_name_code=name, supply_class=supply_class, characteristics=NUT)
    return [c.item_id for c in screen(described, reader=SYSTEM_INIT).candidates]


def _nut() -> Item:
    item = make_item(item_name_code="10101")
    for code, raw in NUT.items():
        characteristic_set(actor=SYSTEM_INIT, item=item, code=code, raw=raw)
    return item


def test_values_follow_a_change_of_the_item_name_and_class(db) -> None:
    item = _nut()
    assert _found_by_values("10101") == [item.pk]
    item_identification_update(
        actor=SYSTEM_INIT, item=item, expected_version=None, changes={"supply_class": "5305"}
    )
    _values_carry_their_items_name_and_class()
    assert (_found_by_values("10101"), _found_by_values("10101", "5305")) == ([], [item.pk])
    item_identification_update(
        actor=SYSTEM_INIT, item=item, expected_version=None, changes={"item_name": "10201"}
    )
    _values_carry_their_items_name_and_class()
    assert _found_by_values("10101", "5305") == []


def test_values_follow_an_item_name_received_in_exchange(db) -> None:
    item = _nut()
    state = item_state(Item.objects.get(pk=item.pk))
    state["item_name"] = "10201"
    del state["characteristics"]
    item_replica_apply(
        actor=SYSTEM_EXCHANGE, state=state, origin_bureau=item.bureau, identification=True
    )
    _values_carry_their_items_name_and_class()
    assert _found_by_values("10101") == []


def test_values_of_imports_carry_their_items_name_and_class(db, tmp_path) -> None:
    item = make_item(item_name_code="10101")
    values = tmp_path / "values.csv"
    values.write_text(
        "catalogue_number,characteristic,value\n"
        + "".join(f"{item.catalogue_number},{code},{raw}\n" for code, raw in NUT.items()),
        encoding="utf-8",
    )
    assert import_file("characteristics", values, actor=SYSTEM_INIT).created == len(NUT)
    _values_carry_their_items_name_and_class()
    assert _found_by_values("10101") == [item.pk]
    items = tmp_path / "items.csv"
    items.write_text(
        "catalogue_number,supply_class,item_name_code,name\n"
        f"{item.catalogue_number},5310,10201,BOLT\n",
        encoding="utf-8",
    )
    assert import_file("items", items, actor=SYSTEM_INIT, policy=Policy.UPDATE).updated == 1
    _values_carry_their_items_name_and_class()
    assert _found_by_values("10101") == []


def test_values_of_the_generator_carry_their_items_name_and_class(db) -> None:
    generate_catalogue(items=30, seed=3, chunk_items=10)
    _values_carry_their_items_name_and_class()
