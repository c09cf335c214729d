"""What the synthetic catalogue is made of, read once from the shipped reference data: current
supply classes ranked for a skewed distribution, item names with their guides and allowed
classes, and the member-state bureaus with their codes and manufacturer-code patterns."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from katalog.accounts.models import Bureau
from katalog.accounts.selectors import current_code_of
from katalog.names.models import NO_APPROVED_NAME_CODE, Characteristic, ItemName
from katalog.refdata.models import SupplyClass

MEMBER_STATES = ("RU", "BY", "KZ", "KG", "AM", "TJ")
# How many items each member state codifies, relative to the others.
ITEM_SHARE = {"RU": 40, "BY": 14, "KZ": 20, "KG": 8, "AM": 10, "TJ": 8}
# How manufacturers spread over countries; the United States stands for the public FLIS data.
MANUFACTURER_SHARE = {"RU": 30, "BY": 10, "KZ": 10, "KG": 5, "AM": 5, "TJ": 5, "US": 35}


@dataclass(frozen=True)
class BureauInfo:
    id: int
    key: str
    country: str
    code: str
    patterns: tuple[str, ...]


@dataclass
class NameInfo:
    obj: ItemName
    guide_code: str = ""
    characteristics: dict[str, Characteristic] = field(default_factory=dict)


@dataclass
class Vocabulary:
    classes: list[str]  # current supply classes, most used first
    class_titles: dict[str, str]
    names_by_class: dict[str, list[NameInfo]]
    no_name: NameInfo
    item_bureaus: list[BureauInfo]  # member states that codify items
    manufacturer_bureaus: dict[str, BureauInfo]  # country -> bureau owning its manufacturers


def current_classes() -> dict[str, str]:
    """Supply classes valid today, with an English title for generated names."""
    titles: dict[str, str] = {}
    for code, title, short in SupplyClass.objects.filter(valid_to__isnull=True).values_list(
        "code", "titles", "short_titles"
    ):
        text = (short or {}).get("en") or (title or {}).get("en") or code
        titles[code] = text.upper()
    return titles


def ranked_classes(titles: dict[str, str], named: set[str], rng: random.Random) -> list[str]:
    """Classes that have item names with guides lead the ranking (the bulk of a real catalogue
    is hardware and electrical parts); the rest follow in a seeded order."""
    first = sorted(c for c in titles if c in named)
    rest = sorted(c for c in titles if c not in named)
    rng.shuffle(first)
    rng.shuffle(rest)
    return first + rest


def load_names() -> tuple[dict[str, list[NameInfo]], NameInfo]:
    characteristics: dict[str, dict[str, Characteristic]] = defaultdict(dict)
    for c in Characteristic.objects.select_related("guide", "reply_table").order_by(
        "guide", "position"
    ):
        characteristics[c.guide.code][c.code] = c
    by_class: dict[str, list[NameInfo]] = defaultdict(list)
    no_name = None
    for name in (
        ItemName.objects.select_related("guide").prefetch_related("classes").order_by("code")
    ):
        guide = name.guide.code if name.guide else ""
        info = NameInfo(name, guide, characteristics.get(guide, {}))
        if name.code == NO_APPROVED_NAME_CODE:
            no_name = info
        for allowed in name.classes.all():
            by_class[allowed.class_code].append(info)
    if no_name is None:
        raise RuntimeError("the shipped dictionary has no item name 77777")
    return dict(by_class), no_name


def load_bureaus() -> tuple[list[BureauInfo], dict[str, BureauInfo]]:
    infos = {}
    # Only bureaus of a member state: the country below is never None.
    for bureau in Bureau.objects.exclude(country=None).order_by("key"):
        infos[bureau.country_id] = BureauInfo(
            bureau.pk, bureau.key, cast(str, bureau.country_id), current_code_of(bureau),
            tuple(bureau.manufacturer_code_patterns or ["*****"]),
        )  # fmt: skip
    items = [infos[c] for c in MEMBER_STATES if c in infos]
    makers = {c: infos[c] for c in MANUFACTURER_SHARE if c in infos}
    return items, makers


def load_vocabulary(seed: int) -> Vocabulary:
    titles = current_classes()
    names_by_class, no_name = load_names()
    item_bureaus, manufacturer_bureaus = load_bureaus()
    classes = ranked_classes(titles, set(names_by_class), random.Random(seed))
    return Vocabulary(classes, titles, names_by_class, no_name, item_bureaus, manufacturer_bureaus)
