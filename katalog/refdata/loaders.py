"""Load the reference data shipped in `katalog/refdata/data/` (see NOTICE for sources)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction

from katalog.core.loading import data_path, iso_date, read_csv, texts, upsert
from katalog.refdata.models import (
    CodeTable,
    CodeValue,
    Country,
    Currency,
    SupplyClass,
    SupplyGroup,
    UnitOfMeasure,
)

COUNTRY_LANGUAGES = [
    "en",
    "ru",
    "kk",
    "ky",
    "hy",
    "tg",
    "uz",
    "be",
    "uk",
    "az",
    "ka",
    "tk",
    "fr",
    "de",
]


def _path(name: str):
    return data_path(__file__, name)


def load_countries() -> int:
    rows = [
        Country(
            alpha2=r["alpha_2"],
            alpha3=r["alpha_3"],
            numeric=r["numeric"],
            names=texts(**{lang: r.get(f"name_{lang}", "") for lang in COUNTRY_LANGUAGES}),
        )
        for r in read_csv(_path("iso3166_1_countries.csv"))
    ]
    return upsert(
        Country, rows, unique_fields=["alpha2"], update_fields=["alpha3", "numeric", "names"]
    )


def load_currencies() -> int:
    rows = [
        Currency(
            alpha3=r["alpha_3"], numeric=r["numeric"], names=texts(en=r["name_en"], ru=r["name_ru"])
        )
        for r in read_csv(_path("iso4217_currencies.csv"))
    ]
    return upsert(Currency, rows, unique_fields=["alpha3"], update_fields=["numeric", "names"])


def _pint_mapping() -> dict[str, str]:
    path = _path("rec20_pint.csv")
    if not path.exists():
        return {}
    return {r["code"]: r["pint_unit"] for r in read_csv(path)}


def load_units() -> int:
    """Rec 20 Annex II/III codes, with the quantity from Annex I and our pint mapping."""
    quantity = {
        r["common_code"]: r["quantity"] for r in read_csv(_path("rec20_annex1_by_quantity.csv"))
    }
    pint_units = _pint_mapping()
    rows = [
        UnitOfMeasure(
            code=r["common_code"],
            names=texts(en=r["name"]),
            symbol=r["symbol"][:40],
            quantity=quantity.get(r["common_code"], "")[:200],
            level_category=r["level_category"][:8],
            status=r["status"][:2],
            conversion_factor=r["conversion_factor"][:120],
            pint_unit=pint_units.get(r["common_code"], ""),
        )
        for r in read_csv(_path("rec20_annex2_3_by_code.csv"))
    ]
    fields = [
        "names",
        "symbol",
        "quantity",
        "level_category",
        "status",
        "conversion_factor",
        "pint_unit",
    ]
    return upsert(UnitOfMeasure, rows, unique_fields=["code"], update_fields=fields)


def interface_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def by_language(row: dict[str, str], prefix: str) -> dict[str, str]:
    """The `<prefix>_<lang>` columns of a row for every interface language the file has."""
    return texts(**{lang: row.get(f"{prefix}_{lang}", "") for lang in interface_languages()})


def load_code_tables() -> int:
    tables = [
        CodeTable(key=r["table"], drn=r["drn"], names=by_language(r, "name"))
        for r in read_csv(_path("code_table_names.csv"))
    ]
    upsert(CodeTable, tables, unique_fields=["key"], update_fields=["drn", "names"])
    positions: dict[str, int] = defaultdict(int)
    values = []
    for r in read_csv(_path("code_tables.csv")):
        positions[r["table"]] += 1
        values.append(
            CodeValue(
                table_id=r["table"],
                code=r["code"],
                meanings=by_language(r, "meaning"),
                position=positions[r["table"]],
            )
        )
    return upsert(
        CodeValue, values, unique_fields=["table", "code"], update_fields=["meanings", "position"]
    )


def _title_translations(name: str) -> dict[str, dict[str, str]]:
    """katalog's own translations of the current supply group or class titles, by code: the
    source publishes English only (see NOTICE); a language missing here falls back to English."""
    return {r["code"]: by_language(r, "title") for r in read_csv(_path(name))}


def _titles(english: str, translated: dict[str, str] | None, current: bool) -> dict[str, str]:
    # A translation renders today's title: a retired period keeps its own English title.
    return {**texts(en=english), **(translated or {})} if current else texts(en=english)


def load_supply_classification() -> tuple[int, int]:
    group_titles = _title_translations("fsc_group_titles.csv")
    class_titles = _title_translations("fsc_class_titles.csv")
    groups = [
        SupplyGroup(
            code=r["fsg"],
            titles=_titles(r["name"], group_titles.get(r["fsg"]), not r["end_date"]),
            notes=texts(en=r["notes"]),
            valid_from=iso_date(r["start_date"]),
            valid_to=iso_date(r["end_date"]),
        )
        for r in read_csv(_path("fsc_groups.csv"))
    ]
    classes = [
        SupplyClass(
            code=r["fsc"],
            group_code=r["fsg"],
            titles=_titles(
                r["full_name"] or r["name"], class_titles.get(r["fsc"]), not r["end_date"]
            ),
            short_titles=texts(en=r["name"]),
            includes=texts(en=r["includes"]),
            excludes=texts(en=r["excludes"]),
            notes=texts(en=r["notes"]),
            valid_from=iso_date(r["start_date"]),
            valid_to=iso_date(r["end_date"]),
        )
        for r in read_csv(_path("fsc_classes.csv"))
    ]
    changed_groups = upsert(
        SupplyGroup,
        groups,
        unique_fields=["code", "valid_from"],
        update_fields=["titles", "notes", "valid_to"],
    )
    fields = ["group_code", "titles", "short_titles", "includes", "excludes", "notes", "valid_to"]
    changed_classes = upsert(
        SupplyClass, classes, unique_fields=["code", "valid_from"], update_fields=fields
    )
    return changed_groups, changed_classes


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Load (or refresh) every shipped reference table; idempotent."""
    groups, classes = load_supply_classification()
    return {
        "countries": load_countries(),
        "currencies": load_currencies(),
        "units": load_units(),
        "code values": load_code_tables(),
        "supply groups": groups,
        "supply classes": classes,
    }


__all__ = ["load_reference_data"]
