"""Template helpers: pick a multilingual title in the page's language."""

from django import template
from django.utils import translation

from katalog.core.i18n import pick_text

register = template.Library()


@register.filter
def title(names: dict[str, str] | None) -> str:
    return pick_text(names, translation.get_language())


@register.filter
def change_kind(kind: str) -> str:
    from katalog.classifiers.choices import ChangeKind

    return str(ChangeKind(kind).label) if kind in ChangeKind.values else kind
