"""The admin site shows data; it changes none of it.

Every change of catalogue data, reference data, rights and settings goes through a service that
checks the actor's rights and writes the audit log. Django's model admin would save rows
directly, so every registered model admin is made read-only here, once all apps have registered
theirs. An admin that does write only by calling services says so with
`writes_through_services = True` (the API token admin).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin


def _never(*_args: Any, **_kwargs: Any) -> bool:
    return False


def make_admin_read_only(site: admin.AdminSite = admin.site) -> list[str]:
    """Turn off adding, changing and deleting on every model admin of `site` that does not
    write through services; returns the models left writable."""
    writable = []
    for model, model_admin in site._registry.items():
        if getattr(model_admin, "writes_through_services", False):
            writable.append(model._meta.label)
            continue
        # Replacing the methods of this one admin instance is the point (mypy forbids it).
        model_admin.has_add_permission = _never  # type: ignore[method-assign]
        model_admin.has_change_permission = _never  # type: ignore[method-assign]
        model_admin.has_delete_permission = _never  # type: ignore[method-assign]
        for inline in getattr(model_admin, "inlines", []):
            inline.has_add_permission = _never
            inline.has_change_permission = _never
            inline.has_delete_permission = _never
    return writable
