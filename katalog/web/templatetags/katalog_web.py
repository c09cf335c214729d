"""Template helpers for the pages: multilingual data with a visible fallback marker."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from katalog.core.i18n import pick

register = template.Library()


@register.filter
def loc(values: dict[str, str] | None) -> SafeString:
    """The text in the page language; a small badge names the language shown when it differs."""
    chosen = pick(values, get_language())
    if not chosen.text:
        return format_html('<span class="muted">{}</span>', "—")
    if not chosen.is_fallback:
        return format_html("{}", chosen.text)
    return format_html(
        '<span lang="{lang}">{text}</span> <abbr class="lang-badge" title="{title}">{lang}</abbr>',
        lang=chosen.language,
        text=chosen.text,
        title=_("No translation in your language; shown in another language"),
    )


@register.filter
def loc_text(values: dict[str, str] | None) -> str:
    """The plain text in the page language (for attributes and option labels)."""
    return pick(values, get_language()).text


@register.filter
def actor(name: str | None) -> str:
    """Who acted, as the audit log names them: a system actor in words."""
    from katalog.audit.labels import actor_label

    return actor_label(name)


@register.filter
def step(name: str) -> str:
    """A step of a request's workflow (`submit`, `approve`, …) in the reader's language: the
    words its audit entry (`request_<step>`) is shown with."""
    from katalog.audit.labels import action_label

    return action_label(f"request_{name}")


@register.filter
def job_kind(kind: str) -> str:
    """A job's kind in words."""
    from katalog.web.display import job_kind_text

    return job_kind_text(kind)


@register.filter
def job_summary(counts: dict | None) -> list[tuple[str, object]]:
    """The counts of a job's summary as (words, number)."""
    from katalog.web.display import job_summary as summary

    return summary(counts)


@register.filter
def unit_symbol(code: str) -> str:
    """A Rec 20 unit code as the symbol readers write (мм, mm)."""
    from katalog.core import units
    from katalog.core.errors import ValidationFailed

    try:
        return units.unit_symbol(code, locale=get_language() or "en")
    except (ValidationFailed, KeyError, ValueError):
        return code


@register.filter
def get(values: dict | None, key: str) -> object:
    """`values[key]`, or nothing."""
    return (values or {}).get(key)


@register.simple_tag
def coded(table: str, code: str | None, expert: bool = False) -> SafeString:
    """A coded value: the code (meaning on hover) in expert mode, the meaning in plain mode."""
    from katalog.catalog.selectors import code_meaning

    if not code:
        return format_html('<span class="muted">{}</span>', "—")
    meaning = code_meaning(table, code, get_language())
    if expert or not meaning:
        return format_html('<abbr title="{}">{}</abbr>', meaning or table, code)
    return format_html("{}", meaning)


@register.simple_tag(takes_context=True)
def page_after(context: template.Context, after: str) -> str:
    """The current URL with `after` (the keyset cursor) set to the given key."""
    params = context["request"].GET.copy()
    params["after"] = after
    return "?" + params.urlencode()
