"""The quality rules page (/quality/rules/): the rules in force for the reader's bureau with
their weights and versions, and, for those who may change them, the forms that set a weight or
a switch, add an own rule and change it; a rule's page shows every version of it. Writes go
through `quality.services`, reads through `quality.selectors`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from katalog.accounts.models import User
from katalog.catalog.selectors import code_meanings
from katalog.core.errors import AuthenticationRequired, KatalogError
from katalog.core.i18n import pick_text
from katalog.quality.models import RuleKind
from katalog.quality.rules import KINDS, SCOPE_PARAMS
from katalog.quality.selectors import rule_for, rule_history, rule_rights, rules_for
from katalog.quality.services import quality_rule_create, quality_rule_update
from katalog.web import prefs
from katalog.web.errors import shows_refusals

PARAM_FIELDS = ("characteristic", "language", "count", "category", *SCOPE_PARAMS)


def _params_from(post: Any, kind: str) -> dict[str, Any]:
    """The parameters a form gives for a kind: those it takes, the empty ones left out."""
    taken = (*KINDS[kind].params, *SCOPE_PARAMS) if kind in KINDS else PARAM_FIELDS
    return {name: post.get(name, "").strip() for name in taken if post.get(name, "").strip()}


def _person(request: HttpRequest) -> User:
    """The signed-in person a change is made by."""
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        raise AuthenticationRequired(_("Sign in to make changes"))
    return request.user


def _texts_from(post: Any, field: str) -> dict[str, str]:
    return {
        code: post.get(f"{field}_{code}", "").strip()
        for code, _name in settings.LANGUAGES
        if f"{field}_{code}" in post
    }


def _form_choices() -> dict[str, Any]:
    language = prefs.language()
    return {
        "kinds": [(k, label) for k, label in RuleKind.choices if k in KINDS],
        "rule_languages": settings.LANGUAGES,
        "categories": sorted(
            (code, pick_text(meanings, language))
            for code, meanings in code_meanings("RNCC").items()
        ),
    }


def _described(params: dict[str, Any]) -> list[tuple[str, Any]]:
    labels = _param_labels()
    languages = dict(settings.LANGUAGES)
    return [
        (labels.get(name, name), languages.get(value, value) if name == "language" else value)
        for name, value in params.items()
    ]


def _rules_context(request: HttpRequest) -> dict[str, Any]:
    may_set_own, may_set_global = rule_rights(request.user)
    return {
        "rules": [(rule, _described(rule.params)) for rule in rules_for(reader=request.user)],
        "may_add": may_set_own or may_set_global,
        "language": prefs.language(),
        **_form_choices(),
    }


@require_http_methods(["GET", "POST"])
@shows_refusals
def rules_page(request: HttpRequest) -> HttpResponse:
    """The rules in force; a POST adds an own rule (of the bureau, or of the centre: global)."""
    if request.method == "POST":
        post = request.POST
        kind = post.get("kind", "")
        language = prefs.language()
        try:
            rule = quality_rule_create(
                actor=_person(request),
                code=post.get("code", ""),
                kind=kind,
                params=_params_from(post, kind),
                weight=int(post.get("weight") or 0) if post.get("weight", "").isdigit() else -1,
                active=post.get("active") == "on",
                messages={language: post.get("message", "")},
                fixes={language: post.get("fix", "")},
                reason=post.get("reason", ""),
            )
        except KatalogError as exc:
            if exc.status in (401, 403):
                raise
            context = {**_rules_context(request), "error": exc, "posted": post}
            return render(request, "web/quality_rules.html", context, status=exc.status)
        messages.success(
            request,
            _("The rule %(code)s was added; the items it concerns are being rescored.")
            % {"code": rule.code},
        )
        return redirect("web:quality-rule", code=rule.code)
    return render(request, "web/quality_rules.html", _rules_context(request))


@require_http_methods(["GET", "POST"])
@shows_refusals
def rule_page(request: HttpRequest, code: str) -> HttpResponse:
    """One rule with its versions; a POST changes it (what the reader may change of it)."""
    error = None
    if request.method == "POST":
        post = request.POST
        current = rule_for(reader=request.user, code=code)
        changes: dict[str, Any] = {"active": post.get("active") == "on"}
        weight = post.get("weight", "").strip()
        changes["weight"] = int(weight) if weight.isdigit() else -1
        if current.may_define:
            changes["params"] = _params_from(post, current.kind)
            changes["messages"] = _texts_from(post, "message")
            changes["fixes"] = _texts_from(post, "fix")
        version = post.get("version", "").strip()
        try:
            quality_rule_update(
                actor=_person(request),
                code=code,
                changes=changes,
                expected_version=int(version) if version.isdigit() else None,
                reason=post.get("reason", ""),
            )
        except KatalogError as exc:
            if exc.status in (401, 403, 404):
                raise
            error = exc
        else:
            messages.success(
                request,
                _("The rule was changed; the items it concerns are being rescored."),
            )
            return redirect("web:quality-rule", code=current.code)
    rule = rule_for(reader=request.user, code=code)
    context = {
        "rule": rule,
        "error": error,
        "language": prefs.language(),
        "params": _described(rule.params),
        "texts": [
            (code, name, rule.messages.get(code, ""), rule.fixes.get(code, ""))
            for code, name in settings.LANGUAGES
        ],
        "versions": [
            (v, _described(v.params), pick_text(v.messages, prefs.language()))
            for v in rule_history(reader=request.user, code=code)
        ],
        **_form_choices(),
    }
    return render(request, "web/quality_rule.html", context, status=error.status if error else 200)


def _param_labels() -> dict[str, str]:
    return {
        "characteristic": _("Characteristic"),
        "language": _("Language"),
        "count": _("Number of references"),
        "category": _("Reference category"),
        "item_name": _("Item name code"),
        "supply_class": _("Supply class"),
    }
