"""The preferences page: language, unit system and plain or expert mode."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from katalog.accounts.selectors import user_history
from katalog.web import prefs
from katalog.web.forms import PreferencesForm


def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            prefs.preferences_save(
                request, unit_system=data["unit_system"], expert_mode=data["expert_mode"]
            )
            translation.activate(data["language"])
            messages.success(request, _("Preferences saved."))
            response = redirect("web:preferences")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, data["language"], samesite="Lax")
            return response
    else:
        form = PreferencesForm(
            initial={
                "language": prefs.language(),
                "unit_system": prefs.unit_system(request),
                "expert_mode": prefs.is_expert(request),
            }
        )
    history = (
        user_history(request.user.username, reader=request.user).rows
        if request.user.is_authenticated
        else None
    )
    return render(request, "web/preferences.html", {"form": form, "history": history})
