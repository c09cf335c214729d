"""Generate a synthetic catalogue into the database or as import files.

Items are produced in chunks from one seeded random stream. Each chunk takes its serials with
`allocate_serial_block` in the chunk's own transaction (so later codification never collides
with generated numbers) and is written in bulk before the next is built: memory stays flat
whatever the size.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from katalog.audit.services import audit_record
from katalog.catalog.models import CharacteristicValue, Item, Manufacturer, Reference, Registration
from katalog.catalog.services import (
    ItemSearchTexts,
    allocate_serial_block,
    manufacturer_search_text,
)
from katalog.core.actors import SYSTEM_MIGRATION
from katalog.core.text import ascii_code_key, code_key
from katalog.screening.models import ReferenceScreeningKey
from katalog.screening.services import screening_keys_catch_up
from katalog.search import tantivy_index
from katalog.synthetic import writers
from katalog.synthetic.manufacturers import ManufacturerSet, manufacturer_names, plan_manufacturers
from katalog.synthetic.references import ReferenceMaker
from katalog.synthetic.sampling import ZipfSampler, weighted_choice
from katalog.synthetic.values import ReplyMaker
from katalog.synthetic.vocabulary import (
    ITEM_SHARE,
    BureauInfo,
    NameInfo,
    Vocabulary,
    load_vocabulary,
)

CHUNK_ITEMS = 10_000
CLASS_EXPONENT = 1.1  # the top 10 % of ~650 classes hold about three quarters of items
MANUFACTURER_EXPONENT = 0.9
REFERENCE_COUNTS = ([1, 2, 3, 4], [35, 35, 20, 10])
OTHER_USERS = ([0, 1, 2, 3], [50, 25, 15, 10])
NAMED_SHARE = 0.9  # items of a class with approved names that carry one
NAME_VARIANTS = ["", "", "ASSEMBLY", "KIT", "PART", "SET", "COMPONENTS", "SPARE"]
IDENTIFICATION_TYPES = ["1", "1A", "1B", "2"]
REGISTERED_SINCE = dt.date(2012, 1, 1)
# Loads of at least this many items (and at least as many as the catalogue holds) suspend the
# search index and build it once at the end.
SUSPEND_INDEX_FROM = 50_000
LOADED_TABLES = [
    "catalog_item",
    "catalog_characteristicvalue",
    "catalog_reference",
    "catalog_registration",
]

ITEM_FIELDS = [
    "id",
    "niin",
    "supply_class",
    "bureau_code",
    "serial",
    "item_name",
    "name_text",
    "identification_type",
    "status",
    "bureau",
    "search_text",
]
VALUE_FIELDS = [
    "item",
    "item_name",
    "supply_class",
    "characteristic",
    "raw",
    "qualifier",
    "unit_code",
    "value",
    "value_max",
    "code",
    "text",
    "flag",
]
REFERENCE_FIELDS = ["item", "manufacturer", "number", "key", "ascii_key", "format_code", "bureau"]
REGISTRATION_FIELDS = ["item", "bureau", "effective_from"]
MANUFACTURER_FIELDS = [
    "id",
    "code",
    "names",
    "address",
    "country",
    "status",
    "bureau",
    "search_text",
]

ITEM_HEADER = ["catalogue_number", "item_name_code", "name", "status", "identification_type"]
REFERENCE_HEADER = ["catalogue_number", "reference_number", "manufacturer_code"]
MANUFACTURER_HEADER = ["code", "name_en", "name_ru", "country", "address"]


@dataclass
class GenerateReport:
    items: int = 0
    references: int = 0
    values: int = 0
    registrations: int = 0
    manufacturers: int = 0
    seconds: float = 0.0
    files: dict[str, Path] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "items": self.items,
            "references": self.references,
            "values": self.values,
            "registrations": self.registrations,
            "manufacturers": self.manufacturers,
            "seconds": round(self.seconds, 2),
            "files": {k: str(v) for k, v in self.files.items()},
        }


@dataclass
class PlannedItem:
    ordinal: int
    bureau: BureauInfo
    supply_class: str
    name: NameInfo
    name_text: str
    identification_type: str
    values: list[tuple[int, tuple]]
    references: list[tuple[int, str]]  # (manufacturer index, number)
    users: list[BureauInfo]
    serial: int = 0

    @property
    def niin(self) -> str:
        return f"{self.bureau.code}{self.serial:07d}"

    @property
    def catalogue_number(self) -> str:
        n = self.niin
        return f"{self.supply_class}-{n[:2]}-{n[2:5]}-{n[5:]}"


class CataloguePlanner:
    """The seeded stream of items: call `chunk` with consecutive ordinals."""

    def __init__(self, vocabulary: Vocabulary, manufacturers: ManufacturerSet, seed: int) -> None:
        self.vocabulary = vocabulary
        self.manufacturers = manufacturers
        self.rng = random.Random(seed)
        self.classes = ZipfSampler(len(vocabulary.classes), CLASS_EXPONENT)
        self.makers_all = ZipfSampler(len(manufacturers), MANUFACTURER_EXPONENT)
        self.makers_by_country = {
            c: ZipfSampler(len(ix), MANUFACTURER_EXPONENT)
            for c, ix in manufacturers.by_country.items()
            if ix
        }
        self.bureau_weights = _cumulative(
            [ITEM_SHARE.get(b.country, 1) for b in vocabulary.item_bureaus]
        )
        self.reference_weights = _cumulative(REFERENCE_COUNTS[1])
        self.user_weights = _cumulative(OTHER_USERS[1])
        self.other_bureaus = {
            b.id: [o for o in vocabulary.item_bureaus if o is not b]
            for b in vocabulary.item_bureaus
        }
        self.replies = ReplyMaker()
        self.numbers = ReferenceMaker(manufacturers, seed)
        self.reference_ordinal = 0

    def chunk(self, start: int, count: int) -> list[PlannedItem]:
        return [self.item(ordinal) for ordinal in range(start, start + count)]

    def item(self, ordinal: int) -> PlannedItem:
        rng, vocabulary = self.rng, self.vocabulary
        bureau = vocabulary.item_bureaus[weighted_choice(rng, self.bureau_weights)]
        supply_class = vocabulary.classes[self.classes.draw(rng)]
        names = vocabulary.names_by_class.get(supply_class)
        if names and rng.random() < NAMED_SHARE:
            name = rng.choice(names)
            name_text = ""
        else:
            name = vocabulary.no_name
            variant = rng.choice(NAME_VARIANTS)
            name_text = (
                f"{vocabulary.class_titles[supply_class]}{', ' + variant if variant else ''}"[:200]
            )
        values, size = self.replies.replies(rng, name)
        count = REFERENCE_COUNTS[0][weighted_choice(rng, self.reference_weights)]
        references = [self.reference(bureau, name, size) for _ in range(count)]
        others = self.other_bureaus[bureau.id]
        users = [
            bureau,
            *rng.sample(
                others, min(len(others), OTHER_USERS[0][weighted_choice(rng, self.user_weights)])
            ),
        ]
        return PlannedItem(
            ordinal,
            bureau,
            supply_class,
            name,
            name_text,
            rng.choice(IDENTIFICATION_TYPES),
            values,
            references,
            users,
        )

    def reference(
        self, bureau: BureauInfo, name: NameInfo, size: dict[str, float]
    ) -> tuple[int, str]:
        rng = self.rng
        local = self.manufacturers.by_country.get(bureau.country)
        if local and rng.random() < 0.6:
            maker = local[self.makers_by_country[bureau.country].draw(rng)]
        else:
            maker = self.makers_all.draw(rng)
        number = self.numbers.number(rng, self.reference_ordinal, maker, name.guide_code, size)
        self.reference_ordinal += 1
        return maker, number


def _cumulative(weights: list[int]) -> list[float]:
    total, result = 0.0, []
    for w in weights:
        total += w
        result.append(total)
    return result


def number_chunk(items: list[PlannedItem]) -> None:
    """Give each item a serial under its bureau's current code (inside the caller's transaction)."""
    by_code: dict[str, list[PlannedItem]] = {}
    for item in items:
        by_code.setdefault(item.bureau.code, []).append(item)
    for code, group in sorted(by_code.items()):
        for item, serial in zip(group, allocate_serial_block(code, len(group)), strict=True):
            item.serial = serial


# --- into the database ----------------------------------------------------------------------


def default_manufacturer_count(items: int) -> int:
    return max(60, items // 10)


def prepare_manufacturers(vocabulary: Vocabulary, count: int, seed: int) -> ManufacturerSet:
    taken = set(Manufacturer.objects.values_list("code", flat=True))
    return plan_manufacturers(
        count, vocabulary.manufacturer_bureaus, seed, writers.next_id(Manufacturer), taken
    )


def manufacturer_rows(makers: ManufacturerSet, seed: int, start: int, stop: int):
    """(index, code, country, names) of manufacturers start..stop; names are seeded per index."""
    for index in range(start, stop):
        rng = random.Random(seed * 1_000_003 + index)
        country = makers.country(index)
        code = makers.codes[index]
        names = manufacturer_names(rng, country, index)
        yield index, code, country, names


def write_manufacturers(makers: ManufacturerSet, vocabulary: Vocabulary, seed: int) -> int:
    writer = writers.TableWriter(Manufacturer, MANUFACTURER_FIELDS)
    for start in range(0, len(makers), CHUNK_ITEMS * 5):
        rows = [
            (
                makers.first_id + index,
                code,
                writers.adapt_json(names),
                names["en"].split(" ")[0] + f", {country}",
                country,
                "A",
                vocabulary.manufacturer_bureaus[country].id,
                manufacturer_search_text(code, names),
            )
            for index, code, country, names in manufacturer_rows(
                makers, seed, start, min(len(makers), start + CHUNK_ITEMS * 5)
            )
        ]
        with transaction.atomic():
            writer.write(rows)
            audit_record(
                actor=SYSTEM_MIGRATION,
                action="manufacturers_generated",
                object_type="catalogue",
                object_key=f"generated-manufacturers:{seed}:{start}",
                changes={"manufacturers": len(rows), "seed": seed, "first": start},
            )
    writers.sync_id_sequence(Manufacturer)
    return writer.count


def generate_catalogue(
    *,
    items: int,
    seed: int = 1,
    manufacturers: int | None = None,
    chunk_items: int = CHUNK_ITEMS,
    progress: Callable[[int], None] | None = None,
) -> GenerateReport:
    """Add `items` generated items (with manufacturers, references, values, registrations) to
    the database. Do not run two generators on one database at once: ids are taken from the
    current maximum."""
    started = time.perf_counter()
    writers.tune_sqlite_for_bulk()
    vocabulary = load_vocabulary(seed)
    makers = prepare_manufacturers(
        vocabulary, manufacturers or default_manufacturer_count(items), seed
    )
    report = GenerateReport(manufacturers=write_manufacturers(makers, vocabulary, seed))
    planner = CataloguePlanner(vocabulary, makers, seed)
    tables = {
        "items": writers.TableWriter(Item, ITEM_FIELDS),
        "values": writers.TableWriter(CharacteristicValue, VALUE_FIELDS),
        "references": writers.TableWriter(Reference, REFERENCE_FIELDS),
        "registrations": writers.TableWriter(Registration, REGISTRATION_FIELDS),
    }
    first_id = writers.next_id(Item)
    texts = ItemSearchTexts()
    dates = [writers.adapt_date(REGISTERED_SINCE + dt.timedelta(days=d)) for d in range(5000)]
    bulk = items >= max(SUSPEND_INDEX_FROM, first_id)
    with writers.search_index_suspended(bulk), writers.indexes_suspended(LOADED_TABLES, bulk):
        for start in range(0, items, chunk_items):
            chunk = planner.chunk(start, min(chunk_items, items - start))
            with transaction.atomic():
                number_chunk(chunk)
                write_chunk(chunk, tables, makers, first_id, texts, dates)
                screening_keys_catch_up(limit=None)  # screenable the moment it is loaded
                # One entry per chunk: a synthetic catalogue of millions of items is recorded
                # by the range it was generated in, not item by item.
                audit_record(
                    actor=SYSTEM_MIGRATION,
                    action="items_generated",
                    object_type="catalogue",
                    object_key=f"generated:{seed}:{start}",
                    changes={"items": len(chunk), "seed": seed, "first": start},
                )
            if progress:
                progress(len(chunk))
    writers.sync_id_sequence(Item)
    # The screening keys too: without statistics, a parts list's folded keys were looked up by a
    # full scan of them (230 ms a chunk at a million items) instead of through their index.
    writers.analyze([*LOADED_TABLES, ReferenceScreeningKey._meta.db_table])
    report.items = tables["items"].count
    report.values = tables["values"].count
    report.references = tables["references"].count
    report.registrations = tables["registrations"].count
    if tantivy_index.present():
        # The log records a generated catalogue by ranges, not item by item, so the index
        # cannot follow it entry by entry: it is rebuilt in bulk instead.
        tantivy_index.rebuild()
    report.seconds = time.perf_counter() - started
    return report


def write_chunk(
    chunk: list[PlannedItem],
    tables,
    makers: ManufacturerSet,
    first_id: int,
    texts: ItemSearchTexts,
    dates,
) -> None:
    registration_rows: list[tuple[int, int, dt.date]]
    item_rows, value_rows, reference_rows, registration_rows = [], [], [], []
    for item in chunk:
        item_id = first_id + item.ordinal
        item_rows.append(
            (
                item_id,
                item.niin,
                item.supply_class,
                item.bureau.code,
                item.serial,
                item.name.obj.pk,
                item.name_text,
                item.identification_type,
                "0",
                item.bureau.id,
                texts(item.name.obj.pk, item.name.obj.search_text, item.name_text),
            )
        )
        for characteristic_id, parsed in item.values:
            value_rows.append(
                (item_id, item.name.obj.pk, item.supply_class, characteristic_id, *parsed)
            )
        for maker, number in item.references:
            reference_rows.append(
                (
                    item_id,
                    makers.first_id + maker,
                    number,
                    code_key(number),
                    ascii_code_key(number),
                    "4" if number.isascii() else "1",
                    item.bureau.id,
                )
            )
        day = dates[item.ordinal % len(dates)]
        registration_rows.extend((item_id, user.id, day) for user in item.users)
    tables["items"].write(item_rows)
    tables["values"].write(value_rows)
    tables["references"].write(reference_rows)
    tables["registrations"].write(registration_rows)


# --- as import files ------------------------------------------------------------------------


def generate_import_files(
    *,
    items: int,
    out_dir: Path,
    seed: int = 1,
    manufacturers: int | None = None,
    chunk_items: int = CHUNK_ITEMS,
    progress: Callable[[int], None] | None = None,
) -> GenerateReport:
    """Write `manufacturers.csv`, `items.csv` and `references.csv` for `katalog import` (import
    them in that order). Serials are reserved in the database, so the numbers are new ones."""
    started = time.perf_counter()
    vocabulary = load_vocabulary(seed)
    makers = prepare_manufacturers(
        vocabulary, manufacturers or default_manufacturer_count(items), seed
    )
    out_dir = Path(out_dir)
    files = {
        "manufacturers": writers.CsvWriter(out_dir / "manufacturers.csv", MANUFACTURER_HEADER),
        "items": writers.CsvWriter(out_dir / "items.csv", ITEM_HEADER),
        "references": writers.CsvWriter(out_dir / "references.csv", REFERENCE_HEADER),
    }
    try:
        files["manufacturers"].write(
            (
                code,
                names["en"],
                names.get("ru", ""),
                country,
                names["en"].split(" ")[0] + f", {country}",
            )
            for _i, code, country, names in manufacturer_rows(makers, seed, 0, len(makers))
        )
        planner = CataloguePlanner(vocabulary, makers, seed)
        for start in range(0, items, chunk_items):
            chunk = planner.chunk(start, min(chunk_items, items - start))
            with transaction.atomic():
                number_chunk(chunk)
            files["items"].write(
                (i.catalogue_number, i.name.obj.code, i.name_text, "0", i.identification_type)
                for i in chunk
            )
            files["references"].write(
                (i.catalogue_number, number, makers.codes[maker])
                for i in chunk
                for maker, number in i.references
            )
            if progress:
                progress(len(chunk))
    finally:
        for writer in files.values():
            writer.close()
    return GenerateReport(
        items=files["items"].count,
        references=files["references"].count,
        manufacturers=files["manufacturers"].count,
        seconds=time.perf_counter() - started,
        files={kind: writer.path for kind, writer in files.items()},
    )
