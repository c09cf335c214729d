"""A person's display preferences: plain or expert mode, and metric or imperial units.

Logged-in people keep them on their user record (`User.expert_mode`, `User.unit_system`);
anonymous visitors keep them in the session, set by `?mode=expert|plain` and `?units=...`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language

from katalog.accounts.services import preferences_set

MODES = ("plain", "expert")
UNIT_SYSTEMS = ("metric", "imperial")


def remember_query_choices(request: HttpRequest) -> None:
    """Keep an anonymous visitor's `?mode=` / `?units=` choice for the rest of the visit."""
    mode, units = request.GET.get("mode"), request.GET.get("units")
    if mode in MODES:
        request.session["expert"] = mode == "expert"
    if units in UNIT_SYSTEMS:
        request.session["unit_system"] = units


def is_expert(request: HttpRequest) -> bool:
    mode = request.GET.get("mode")
    if mode in MODES:
        return mode == "expert"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.expert_mode)
    return bool(request.session.get("expert", False))


def unit_system(request: HttpRequest) -> str:
    units = request.GET.get("units")
    if units in UNIT_SYSTEMS:
        return units
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.unit_system)
    return str(request.session.get("unit_system", "metric"))


def language() -> str:
    """The page language, the one numbers are read and written in."""
    return (get_language() or "en").split("-")[0]


def preferences_save(request: HttpRequest, *, unit_system: str, expert_mode: bool) -> None:
    """Keep the choices on the user record (through the accounts service), or in the session
    for anonymous visitors."""
    user = request.user
    if user.is_authenticated:
        preferences_set(actor=user, user=user, unit_system=unit_system, expert_mode=expert_mode)
    else:
        request.session["unit_system"] = unit_system
        request.session["expert"] = expert_mode
