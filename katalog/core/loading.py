"""Helpers for loading shipped CSV data idempotently."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.db import models, transaction

from katalog.core.fields import stored_field


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def iso_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def texts(**by_language: str) -> dict[str, str]:
    """A multilingual value without empty translations."""
    return {lang: value.strip() for lang, value in by_language.items() if value and value.strip()}


def upsert(
    model: type[models.Model],
    rows: Iterable[models.Model],
    *,
    unique_fields: list[str],
    update_fields: list[str],
    batch_size: int = 1000,
) -> int:
    """Insert new rows and update changed ones, matched on a natural key.

    Compares in Python rather than with ON CONFLICT, because natural keys of reference data may
    contain NULL (a class without a start date), which never conflicts in SQL. Re-running with
    the same data writes nothing. Meant for reference tables (thousands of rows), not bulk data.
    """
    attnames = [stored_field(model, f).attname for f in unique_fields]
    update_attnames = [stored_field(model, f).attname for f in update_fields]
    existing = {tuple(getattr(o, a) for a in attnames): o for o in model._default_manager.all()}
    to_create, to_update = [], []
    for obj in rows:
        current = existing.get(tuple(getattr(obj, a) for a in attnames))
        if current is None:
            to_create.append(obj)
        elif any(getattr(current, a) != getattr(obj, a) for a in update_attnames):
            for a in update_attnames:
                setattr(current, a, getattr(obj, a))
            to_update.append(current)
    model._default_manager.bulk_create(to_create, batch_size=batch_size)
    if to_update and update_fields:
        model._default_manager.bulk_update(to_update, update_fields, batch_size=batch_size)
    return len(to_create) + len(to_update)


def data_path(module_file: str, name: str) -> Path:
    return Path(module_file).resolve().parent / "data" / name


def load_once(name: str, loader: Callable[[], dict]) -> dict | None:
    """Run a one-off load (the demonstration catalogue) unless it was done: the load and its
    marker commit together. Returns what the loader reported, None when it had been done."""
    from katalog.core.models import LoadMarker

    if LoadMarker.objects.filter(name=name).exists():
        return None
    with transaction.atomic():
        details = loader()
        LoadMarker.objects.create(name=name, details=details)
    return details
