"""Template helpers of the classifier pages: a multilingual title in the page's language, the
levels, kinds of change and source-data findings of a classification in words."""

import re
from typing import Any

from django import template
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from katalog.core.i18n import pick_text

register = template.Library()


@register.filter
def title(names: dict[str, str] | None) -> str:
    return pick_text(names, translation.get_language())


@register.filter
def level_name(level: Any) -> str:
    """A level of a classification in the reader's language, by its slug; a level of another
    name by its stored names."""
    from katalog.classifiers.choices import LEVEL_LABELS

    label = LEVEL_LABELS.get(level.slug)
    return str(label) if label is not None else pick_text(level.names, translation.get_language())


@register.filter
def change_kind(kind: str) -> str:
    from katalog.classifiers.choices import ChangeKind

    return str(ChangeKind(kind).label) if kind in ChangeKind.values else kind


# What each kind of defect found in source data means, in the reader's language; the stored
# message is the loader's English detail (shown to experts).
FINDING_TEXTS = {
    "PARENT_MISSING": gettext_lazy("the parent code named in the source file is not in it"),
    "DUPLICATE_CODE": gettext_lazy("the code appears twice in the source file"),
    "LEVEL_UNKNOWN": gettext_lazy("the level named in the source file is unknown"),
    "LEVEL_INCONSISTENT": gettext_lazy("the code's level does not fit its place in the tree"),
    "CODE_EMPTY": gettext_lazy("a row of the source file has no code"),
    "TITLE_EMPTY": gettext_lazy("the code has no title in any language"),
    "ROW_CODE_UNKNOWN": gettext_lazy("the correspondence table names a code the version lacks"),
    "NO_CODE_IDENTITY": gettext_lazy("the other classification has no code of the same meaning"),
    "LINK_DISAGREES_WITH_PARENT": gettext_lazy(
        "the correspondence of the code disagrees with that of its parent"
    ),
}
FINDING_ACTIONS = {
    "skipped": gettext_lazy("left out"),
    "loaded without a parent": gettext_lazy("loaded without a parent"),
    "kept as published": gettext_lazy("kept as published"),
    "no ancestor either; left unmapped": gettext_lazy(
        "no higher-level code matches either; left without a counterpart"
    ),
}
_MAPPED_TO_ANCESTOR = re.compile(r"mapped to ancestor (\S+)")


@register.filter
def finding_text(finding: Any) -> str:
    """A defect found in source data, in words; the other classification named where one is."""
    text = FINDING_TEXTS.get(finding.code)
    if text is None:
        return finding.message
    target = getattr(getattr(finding, "table", None), "target", None)
    if finding.code == "NO_CODE_IDENTITY" and target is not None:
        return _("%(version)s has no code of the same meaning") % {"version": target.slug}
    return str(text)


@register.filter
def finding_action(finding: Any) -> str:
    """What the loader did about a defect, in words."""
    action = FINDING_ACTIONS.get(finding.action)
    if action is not None:
        return str(action)
    mapped = _MAPPED_TO_ANCESTOR.fullmatch(finding.action or "")
    if mapped:
        return _("mapped to the higher-level code %(code)s") % {"code": mapped.group(1)}
    return finding.action
