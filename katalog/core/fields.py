"""Model fields by name for the code that composes SQL from the models' own names."""

from __future__ import annotations

from django.db import models


def stored_field(model: type[models.Model], name: str) -> models.Field:
    """The field `name` of `model` that has a column (never a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} has no column")
    return field


def column(model: type[models.Model], name: str) -> str:
    """The column of the field `name` of `model`."""
    return str(stored_field(model, name).column)
