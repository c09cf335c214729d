"""The generated catalogue: deterministic for a seed, valid, skewed, and safe for later
codification; its import files load through `katalog import`."""

from __future__ import annotations

import json
import math
from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.db import transaction

from katalog.accounts.models import Bureau
from katalog.catalog import rules
from katalog.catalog.models import CharacteristicValue, Item, Manufacturer, Reference, Registration
from katalog.catalog.services import (
    checks,
    item_create,
    item_search_text,
    manufacturer_search_text,
)
from katalog.core.actors import SYSTEM_INIT
from katalog.core.text import ascii_code_key, code_key
from katalog.names.values import parse_reply
from katalog.synthetic.generator import generate_catalogue, generate_import_files
from katalog.synthetic.vocabulary import current_classes
from katalog.transfer.importers.kinds import import_file

VALUE_FIELDS = ("raw", "qualifier", "unit_code", "value", "value_max", "code", "text", "flag")


def snapshot() -> dict:
    return {
        "items": list(
            Item.objects.order_by("niin").values_list(
                "id",
                "niin",
                "supply_class",
                "item_name__code",
                "name_text",
                "bureau__key",
                "identification_type",
                "search_text",
            )
        ),
        "references": list(
            Reference.objects.order_by("item__niin", "number").values_list(
                "item__niin", "manufacturer__code", "number", "key", "ascii_key"
            )
        ),
        "values": list(
            CharacteristicValue.objects.order_by("item__niin", "characteristic__code").values_list(
                "item__niin", "characteristic__code", "raw", "value"
            )
        ),
        "registrations": list(
            Registration.objects.order_by("item__niin", "bureau__key").values_list(
                "item__niin", "bureau__key", "effective_from"
            )
        ),
        "manufacturers": list(
            Manufacturer.objects.order_by("code").values_list("code", "names", "country")
        ),
    }


def generate_and_roll_back(seed: int) -> dict:
    with transaction.atomic():
        generate_catalogue(items=400, seed=seed, manufacturers=40, chunk_items=150)
        data = snapshot()
        transaction.set_rollback(True)
    return data


def test_synthetic_catalogue_is_deterministic_for_a_seed(db):
    first = generate_and_roll_back(5)
    assert len(first["items"]) == 400
    assert first["references"]
    assert first["values"]
    assert first["registrations"]
    assert generate_and_roll_back(5) == first
    other = generate_and_roll_back(6)
    assert [r[2:] for r in other["references"]] != [r[2:] for r in first["references"]]


def test_synthetic_report_counts_what_was_written(generated):
    assert generated.items == Item.objects.count() == 1500
    assert generated.references == Reference.objects.count()
    assert generated.values == CharacteristicValue.objects.count()
    assert generated.registrations == Registration.objects.count()
    assert generated.manufacturers == Manufacturer.objects.count() == 120


def test_synthetic_numbers_and_search_text_are_valid(generated):
    for item in Item.objects.select_related("item_name"):
        number = rules.parse_catalogue_number(item.catalogue_number)
        assert number.niin == item.niin
        assert number.serial == item.serial
        assert item.search_text == item_search_text(item.name_text, item.item_name)
        assert item.item_name.code == "77777" or not item.name_text


def test_synthetic_manufacturers_follow_their_bureau_pattern(generated):
    countries = Counter()
    for maker in Manufacturer.objects.select_related("bureau"):
        # raises if the code breaks the pattern
        checks.manufacturer_code(
            maker.code, maker.bureau.manufacturer_code_patterns, maker.bureau.key
        )
        assert maker.bureau.country_id == maker.country_id
        assert maker.search_text == manufacturer_search_text(maker.code, maker.names)
        countries[maker.country_id] += 1
    assert {"RU", "BY", "KZ", "US"} <= set(countries)


def test_synthetic_references_have_their_keys_and_never_clash(generated):
    per_item = Counter()
    holders: dict[tuple[int, str], int] = {}
    for ref in Reference.objects.all():
        assert ref.key == code_key(ref.number)
        assert ref.ascii_key == ascii_code_key(ref.number)
        assert holders.setdefault((ref.manufacturer_id, ref.key), ref.item_id) == ref.item_id
        per_item[ref.item_id] += 1
    assert set(per_item.values()) <= {1, 2, 3, 4}
    assert len(per_item) == Item.objects.count()
    numbers = list(Reference.objects.values_list("number", flat=True))
    assert any(any("А" <= ch <= "я" for ch in n) for n in numbers)  # GOST-style drawing numbers
    assert any(n.startswith(("MS", "NAS", "AN")) for n in numbers)  # US-style standard numbers


def test_synthetic_characteristic_values_parse_with_their_guide(generated):
    values = CharacteristicValue.objects.select_related(
        "characteristic__guide", "characteristic__reply_table", "item__item_name"
    )
    assert values.exists()
    for value in values:
        assert value.item.item_name.guide_id == value.characteristic.guide_id
        parsed = parse_reply(value.characteristic, value.raw)
        assert tuple(parsed[f] for f in VALUE_FIELDS) == tuple(
            getattr(value, f) for f in VALUE_FIELDS
        )


def test_synthetic_registrations_include_the_assigning_bureau(generated):
    users: dict[int, set[int]] = {}
    for item_id, bureau_id in Registration.objects.values_list("item_id", "bureau_id"):
        users.setdefault(item_id, set()).add(bureau_id)
    for item_id, bureau_id in Item.objects.values_list("id", "bureau_id"):
        assert bureau_id in users[item_id]
        assert 1 <= len(users[item_id]) <= 4


def test_synthetic_supply_classes_are_real_and_skewed(generated):
    classes = current_classes()
    counts = Counter(Item.objects.values_list("supply_class", flat=True))
    assert set(counts) <= set(classes)
    top = sum(n for _c, n in counts.most_common(math.ceil(len(classes) * 0.1)))
    assert top / sum(counts.values()) > 0.5


def test_synthetic_serial_counters_are_raised_past_generated_serials(generated):
    russia = Bureau.objects.get(key="RU")
    generated_serials = set(Item.objects.filter(bureau=russia).values_list("serial", flat=True))
    assert generated_serials
    item = item_create(
        actor=SYSTEM_INIT, bureau=russia, supply_class="5310", item_name_code="10101"
    )
    assert item.serial > max(generated_serials)


def test_synthetic_import_files_round_trip_through_katalog_import(db, tmp_path):
    report = generate_import_files(items=300, out_dir=tmp_path, seed=3, manufacturers=30)
    assert Item.objects.count() == 0
    results = {
        kind: import_file(kind, report.files[kind], actor=SYSTEM_INIT)
        for kind in ("manufacturers", "items", "references")
    }
    assert {k: r.rejected for k, r in results.items()} == {
        "manufacturers": 0,
        "items": 0,
        "references": 0,
    }
    assert results["manufacturers"].created == report.manufacturers == 30
    assert results["items"].created == report.items == Item.objects.count() == 300
    assert results["references"].created == report.references == Reference.objects.count()
    russia = Bureau.objects.get(key="RU")
    before = set(Item.objects.values_list("niin", flat=True))
    assert (
        item_create(
            actor=SYSTEM_INIT, bureau=russia, supply_class="5310", item_name_code="10101"
        ).niin
        not in before
    )


def test_synthetic_generate_command_reports_counts(db):
    out = StringIO()
    call_command("generate", "--items", "60", "--seed", "2", "--no-progress", stdout=out)
    assert json.loads(out.getvalue())["items"] == 60 == Item.objects.count()
