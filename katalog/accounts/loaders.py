"""Load the shipped bureaus and their codes (demo configuration of the member states)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from katalog.accounts.models import Bureau, BureauCode
from katalog.core.loading import data_path, iso_date, read_csv, texts, upsert


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def load_bureaus() -> int:
    bureaus = [
        Bureau(
            key=r["key"],
            kind=r["kind"],
            country_id=r["country"] or None,
            user_code=r["user_code"],
            names=texts(**{lang: r.get(f"name_{lang}", "") for lang in _languages()}),
            manufacturer_code_patterns=[p for p in r["manufacturer_code_patterns"].split("|") if p],
        )
        for r in read_csv(data_path(__file__, "bureaus.csv"))
    ]
    fields = ["kind", "country", "user_code", "names", "manufacturer_code_patterns"]
    changed = upsert(Bureau, bureaus, unique_fields=["key"], update_fields=fields)
    by_key = dict(Bureau.objects.values_list("key", "id"))
    codes = [
        BureauCode(
            code=r["code"],
            bureau_id=by_key[r["bureau"]],
            valid_from=dt.date.fromisoformat(r["valid_from"]),
            valid_to=iso_date(r["valid_to"]),
        )
        for r in read_csv(data_path(__file__, "bureau_codes.csv"))
    ]
    changed += upsert(
        BureauCode,
        codes,
        unique_fields=["code", "valid_from"],
        update_fields=["bureau", "valid_to"],
    )
    return changed
