"""Every write path keeps the screening keys: a catalogue is screenable the moment it is loaded,
without `katalog screening_keys` and without the catch-up of a screening call."""

from __future__ import annotations

from katalog.catalog.models import Reference
from katalog.catalog.services import reference_add
from katalog.core.actors import SYSTEM_INIT
from katalog.screening.keys import folded_key, translit_key
from katalog.screening.models import ReferenceScreeningKey
from katalog.synthetic.generator import generate_catalogue
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
