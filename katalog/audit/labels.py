"""Words for the actions of the audit log, in the reader's language.

Each app registers the choices of its actions when it is ready (`register_actions`), so the log
stays independent of the apps that write to it.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext as _

_LABELS: dict[str, object] = {}


def register_actions(choices: type[TextChoices]) -> None:
    for value, label in choices.choices:
        _LABELS[str(value)] = label


def action_label(action: str) -> str:
    """The registered label of an action; an unknown action reads as "change"."""
    label = _LABELS.get(action)
    return str(label) if label is not None else _("change")
