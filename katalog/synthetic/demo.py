"""The generated demo catalogue: civilian items of the member states, reproducible (fixed seed).

Built in memory and written with batched inserts; values go through the same parsers as user
input, so the demo exercises the real typed-value path.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from katalog.accounts.models import Bureau
from katalog.accounts.selectors import current_code_of
from katalog.audit.services import Subject, audit_record
from katalog.catalog.models import (
    CharacteristicValue,
    Item,
    ItemStatus,
    ManagementData,
    Manufacturer,
    Reference,
    Registration,
)
from katalog.catalog.services import (
    allocate_serial_block,
    item_search_text,
    manufacturer_search_text,
)
from katalog.core.actors import SYSTEM_INIT
from katalog.core.text import ascii_code_key, code_key
from katalog.names.models import Characteristic, ItemName
from katalog.names.values import parse_reply

SEED = 2026
MEMBER_STATES = ["RU", "BY", "KZ", "KG", "AM", "TJ"]
CURRENCY = {"RU": "RUB", "BY": "BYN", "KZ": "KZT", "KG": "KGS", "AM": "AMD", "TJ": "TJS"}
PRICE_SCALE = {"RU": 90, "BY": 3, "KZ": 480, "KG": 87, "AM": 390, "TJ": 11}
CITIES = {
    "RU": [
        ("Samara", "Самара"),
        ("Tula", "Тула"),
        ("Kazan", "Казань"),
        ("Perm", "Пермь"),
        ("Omsk", "Омск"),
    ],
    "BY": [("Minsk", "Минск"), ("Gomel", "Гомель"), ("Brest", "Брест"), ("Vitebsk", "Витебск")],
    "KZ": [
        ("Almaty", "Алматы"),
        ("Karaganda", "Караганда"),
        ("Pavlodar", "Павлодар"),
        ("Shymkent", "Шымкент"),
    ],
    "KG": [("Bishkek", "Бишкек"), ("Osh", "Ош"), ("Tokmok", "Токмок")],
    "AM": [("Yerevan", "Ереван"), ("Gyumri", "Гюмри"), ("Vanadzor", "Ванадзор")],
    "TJ": [("Dushanbe", "Душанбе"), ("Khujand", "Худжанд"), ("Bokhtar", "Бохтар")],
}
TRADES = [
    ("Fasteners", "Крепёж", ["10101", "10102", "10201", "10202", "10301"]),
    ("Bearings", "Подшипник", ["20101", "20102"]),
    ("Rubber Goods", "Резинотехника", ["20201"]),
    ("Electrotechnical Works", "Электротехника", ["30101", "30201", "30301"]),
    ("Tools", "Инструмент", ["40101", "40102"]),
]
ALNUM = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
DRAWING_LETTERS = "АБВГДЕЖИКЛМНПРСТУФХЦШЭЮЯ"


@dataclass
class DemoManufacturer:
    obj: Manufacturer
    country: str
    name_codes: list[str]
    prefix: str


@dataclass
class DemoPlan:
    items: list[Item] = field(default_factory=list)
    values: list[tuple[int, Characteristic, str]] = field(default_factory=list)
    references: list[tuple[int, Manufacturer, str]] = field(default_factory=list)
    registrations: list[tuple[int, str]] = field(default_factory=list)


def _manufacturer_code(rng: random.Random, pattern: str, taken: set[str]) -> str:
    while True:
        code = "".join(
            rng.choice(ALNUM) if ch == "*" else rng.choice("0123456789") if ch == "#" else ch
            for ch in pattern
        )
        if code not in taken:
            taken.add(code)
            return code


def build_manufacturers(rng: random.Random) -> list[DemoManufacturer]:
    bureaus = {b.country_id: b for b in Bureau.objects.filter(country_id__in=MEMBER_STATES)}
    taken: set[str] = set(Manufacturer.objects.values_list("code", flat=True))
    result = []
    for country in MEMBER_STATES:
        bureau = bureaus[country]
        for index, (trade_en, trade_ru, name_codes) in enumerate(TRADES):
            city_en, city_ru = CITIES[country][index % len(CITIES[country])]
            code = _manufacturer_code(rng, bureau.manufacturer_code_patterns[0], taken)
            names = {"en": f"{city_en} {trade_en} JSC", "ru": f"АО «{city_ru}{trade_ru.lower()}»"}
            obj = Manufacturer(
                code=code, names=names, country_id=country, bureau=bureau,
                address=f"{city_en}, {country}", search_text=manufacturer_search_text(code, names),
            )  # fmt: skip
            prefix = "".join(rng.choice(DRAWING_LETTERS) for _ in range(4))
            result.append(DemoManufacturer(obj, country, name_codes, prefix))
    Manufacturer.objects.bulk_create([m.obj for m in result])
    return result


# --- characteristic values, per guide -------------------------------------------------------

METRIC_THREADS = [
    (3, 0.5),
    (4, 0.7),
    (5, 0.8),
    (6, 1.0),
    (8, 1.25),
    (10, 1.5),
    (12, 1.75),
    (16, 2.0),
    (20, 2.5),
    (24, 3.0),
]
BEARINGS = [
    (10, 26, 8),
    (12, 28, 8),
    (15, 32, 9),
    (17, 35, 10),
    (20, 42, 12),
    (25, 47, 12),
    (25, 52, 15),
    (30, 55, 13),
    (30, 62, 16),
    (35, 72, 17),
    (40, 80, 18),
]
E12 = [1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2]


def _mm(rng: random.Random, value: float) -> str:
    """A length written the way people write it: mm with point or comma, or inches."""
    style = rng.random()
    if style < 0.6:
        return f"{value:g} mm"
    if style < 0.85:
        return f"{value:g} мм".replace(".", ",")
    return f"{value / 25.4:.4f} in"


def replies_for(guide_code: str, rng: random.Random) -> tuple[dict[str, str], str]:
    """Replies for one item of a guide, and a short size tag used in reference numbers."""
    if guide_code in {"G0001", "G0002", "G0003"}:
        d, p = rng.choice(METRIC_THREADS)
        if guide_code == "G0001":
            return {
                "THDD": _mm(rng, d),
                "THDP": _mm(rng, p),
                "MATL": rng.choice(["STL", "STL", "SST", "BRS"]),
                "FINS": rng.choice(["ZNC", "NON", "BLK"]),
                "WDAF": _mm(rng, round(d * 1.6 + 0.5)),
            }, f"M{d}"
        if guide_code == "G0002":
            length = rng.choice([10, 12, 16, 20, 25, 30, 35, 40, 50, 60, 80])
            return {
                "THDD": _mm(rng, d),
                "THDP": _mm(rng, p),
                "LNTH": _mm(rng, length),
                "HEAD": rng.choice(["HEX", "SOC"]),
                "MATL": rng.choice(["STL", "SST"]),
                "STRC": rng.choice(["8.8", "10.9", "A2-70"]),
            }, f"M{d}X{length}"
        return {
            "INSD": _mm(rng, d + 0.2 + (0.2 if d > 6 else 0)),
            "OUTD": _mm(rng, round(d * 2.1)),
            "THCK": _mm(rng, max(0.5, round(d * 0.16, 1))),
            "MATL": rng.choice(["STL", "SST", "BRS"]),
        }, f"{d}"
    if guide_code == "G0004":
        bore, outer, width = rng.choice(BEARINGS)
        return {
            "BORE": _mm(rng, bore),
            "OUTD": _mm(rng, outer),
            "WDTH": _mm(rng, width),
            "BRGT": rng.choice(["OPN", "2RS", "2ZZ"]),
            "SPED": f"{rng.choice([8000, 10000, 12000, 15000])} rpm",
        }, f"{bore}{outer}"
    if guide_code == "G0005":
        inner, section = (
            rng.choice([6, 8, 10, 12, 16, 20, 25, 32, 40, 50]),
            rng.choice([1.5, 2, 2.5, 3, 3.5, 5]),
        )
        return {
            "INSD": _mm(rng, inner),
            "CSEC": _mm(rng, section),
            "ELAS": rng.choice(["NBR", "FKM", "VMQ", "EPD"]),
            "TMAX": f"{rng.choice([100, 120, 150, 200])} °C",
        }, f"{inner}X{section:g}"
    if guide_code == "G0006":
        value = rng.choice(E12) * 10 ** rng.randint(1, 5)
        text = f"{value / 1000:g} kΩ" if value >= 1000 else f"{value:g} Ω"
        return {
            "RESI": text.replace(".", ",") if rng.random() < 0.3 else text,
            "POWR": f"{rng.choice([0.125, 0.25, 0.5, 1, 2])} W",
            "TOLR": rng.choice(["1%", "5%"]),
            "SMDT": rng.choice(["yes", "no"]),
        }, f"{value:g}R"
    if guide_code == "G0007":
        value = rng.choice(E12) * 10 ** rng.randint(0, 3)
        return {
            "CAPC": f"{value:g} nF",
            "VOLT": f"{rng.choice([16, 25, 50, 100, 250])} V",
            "DIEL": rng.choice(["C0G", "X7R", "Y5V"]),
        }, f"{value:g}N"
    if guide_code == "G0008":
        size = rng.choice([6, 8, 10, 12, 13, 14, 17, 19, 22, 24])
        return {
            "SIZE": _mm(rng, size),
            "LNTH": _mm(rng, size * 9 + 40),
            "MATL": rng.choice(["STL", "SST"]),
            "INSL": rng.choice(["yes", "no"]),
        }, f"{size}"
    current = rng.choice([0.5, 1, 2, 3.15, 5, 10, 16])
    return {
        "CURR": f"{current:g} A",
        "VOLT": f"{rng.choice([250, 500])} V",
        "LNTH": _mm(rng, rng.choice([20, 32])),
    }, f"{current:g}A"


def reference_numbers(
    rng: random.Random, maker: DemoManufacturer, size_tag: str, count: int
) -> list[str]:
    """Realistic reference formats: Cyrillic drawing numbers, catalogue codes, standard-style."""
    numbers = [f"{maker.prefix}.{rng.randint(100000, 999999)}.{rng.randint(1, 40):03d}"]
    if count > 1:
        numbers.append(f"{maker.obj.code[1:4]}-{size_tag}-{rng.randint(10, 99)}")
    if count > 2:
        numbers.append(
            f"{rng.choice(['KT', 'PN', 'SP'])}{rng.randint(1000, 99999)}{rng.choice(['', 'A', 'B', '-01', '-02'])}"
        )
    if count > 3:
        numbers.append(f"ТУ{rng.randint(1000, 9999)}-{size_tag}")
    return numbers


# --- the plan and its writing ---------------------------------------------------------------


def build_items(rng: random.Random, makers: list[DemoManufacturer], count: int) -> DemoPlan:
    plan = DemoPlan()
    names = {
        n.code: n for n in ItemName.objects.select_related("guide").prefetch_related("classes")
    }
    characteristics: dict[str, dict[str, Characteristic]] = defaultdict(dict)
    for c in Characteristic.objects.select_related("guide", "reply_table"):
        characteristics[c.guide.code][c.code] = c
    bureaus = {b.country_id: b for b in Bureau.objects.filter(country_id__in=MEMBER_STATES)}
    by_country: dict[str, list[Item]] = defaultdict(list)
    taken: set[tuple[str, str]] = set()
    for index in range(count):
        maker = makers[index % len(makers)]
        name = names[rng.choice(maker.name_codes)]
        bureau = bureaus[maker.country]
        item = Item(
            supply_class=name.classes.all()[0].class_code, item_name=name, bureau=bureau,
            identification_type=rng.choice(["1", "1A", "1B"]), search_text=item_search_text("", name),
        )  # fmt: skip
        if name.guide is None:
            raise RuntimeError(f"the demonstration name {name.code} has no identification guide")
        replies, size_tag = replies_for(name.guide.code, rng)
        plan.items.append(item)
        by_country[maker.country].append(item)
        for code, raw in replies.items():
            plan.values.append((index, characteristics[name.guide.code][code], raw))
        for number in reference_numbers(rng, maker, size_tag, rng.choice([1, 2, 2, 3, 4])):
            # One manufacturer never uses one reference for two items: skip the rare collision.
            if (maker.obj.code, code_key(number)) not in taken:
                taken.add((maker.obj.code, code_key(number)))
                plan.references.append((index, maker.obj, number))
        users = {maker.country, *rng.sample(MEMBER_STATES, rng.choice([0, 1, 1, 2, 3]))}
        if index % 97 == 5:
            users = set()  # a few items with no registered user are inactive
        plan.registrations.extend((index, country) for country in sorted(users))
    _number_items(by_country)
    return plan


def _number_items(by_country: dict[str, list[Item]]) -> None:
    for items in by_country.values():
        bureau = items[0].bureau
        code = current_code_of(bureau)
        for item, serial in zip(items, allocate_serial_block(code, len(items)), strict=True):
            item.bureau_code, item.serial, item.niin = code, serial, f"{code}{serial:07d}"


def write_plan(plan: DemoPlan, rng: random.Random) -> dict[str, int]:
    registered = {index for index, _c in plan.registrations}
    for index, item in enumerate(plan.items):
        if index not in registered:
            item.status = ItemStatus.INACTIVE
    Item.objects.bulk_create(plan.items, batch_size=1000)
    items = plan.items
    CharacteristicValue.objects.bulk_create(
        [
            CharacteristicValue(
                item=items[i],
                item_name=items[i].item_name,
                supply_class=items[i].supply_class,
                characteristic=c,
                **parse_reply(c, raw),
            )
            for i, c, raw in plan.values
        ],
        batch_size=2000,
    )
    Reference.objects.bulk_create(
        [
            Reference(
                item=items[i],
                manufacturer=m,
                number=n,
                key=code_key(n),
                ascii_key=ascii_code_key(n),
                bureau=items[i].bureau,
                format_code="4" if n.isascii() else "1",
            )
            for i, m, n in plan.references
        ],
        batch_size=2000,
    )
    bureaus = {b.country_id: b for b in Bureau.objects.filter(country_id__in=MEMBER_STATES)}
    since = dt.date(2024, 1, 15)
    Registration.objects.bulk_create(
        [
            Registration(
                item=items[i], bureau=bureaus[c], effective_from=since + dt.timedelta(days=i % 600)
            )
            for i, c in plan.registrations
        ],
        batch_size=2000,
    )
    ManagementData.objects.bulk_create(
        [
            ManagementData(
                item=items[i],
                bureau=bureaus[c],
                unit_of_issue=rng.choice(["EA", "EA", "PR", "SE", "HD"]),
                price=Decimal(rng.randint(5, 5000)) * PRICE_SCALE[c] / Decimal(100),
                currency_id=CURRENCY[c],
            )
            for i, c in plan.registrations
        ],
        batch_size=2000,
    )
    return {
        "items": len(items),
        "references": len(plan.references),
        "values": len(plan.values),
        "registrations": len(plan.registrations),
    }


def cancel_some_with_replacement(plan: DemoPlan, count: int = 12) -> int:
    """Cancel a few items in favour of an item of the same name (status 3, reason C)."""
    by_name: dict[int, list[Item]] = defaultdict(list)
    for item in plan.items:
        if item.status == ItemStatus.ACTIVE:
            by_name[item.item_name_id].append(item)
    cancelled = 0
    for items in by_name.values():
        if cancelled >= count or len(items) < 3:
            continue
        old, new = items[1], items[2]
        Item.objects.filter(pk=old.pk).update(
            status=ItemStatus.CANCELLED_REPLACED, cancellation_reason="C", replaced_by=new,
            cancelled_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC),
        )  # fmt: skip
        cancelled += 1
    return cancelled


@transaction.atomic
def load_demo_catalogue(items: int = 2100) -> dict[str, int]:
    rng = random.Random(SEED)
    makers = build_manufacturers(rng)
    plan = build_items(rng, makers, items)
    counts = write_plan(plan, rng)
    counts["manufacturers"] = len(makers)
    counts["cancelled"] = cancel_some_with_replacement(plan)
    audit_record(
        actor=SYSTEM_INIT,
        action="demo_catalogue_loaded",
        object_type="catalogue",
        object_key="demo",
        changes=counts,
        subjects=[Subject("manufacturer", m.obj.code) for m in makers]
        + [Subject("item", item.niin) for item in plan.items],
    )
    return counts
