"""Words for the actions of the audit log, in the reader's language.

Each app registers the choices of its actions when it is ready (`register_actions`), so the log
stays independent of the apps that write to it.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What the installation itself records (`katalog init`): no app owns these actions.
_LABELS: dict[str, object] = {
    "reference_data_loaded": gettext_lazy("reference data loaded"),
    "demo_catalogue_loaded": gettext_lazy("demonstration catalogue loaded"),
}
# The named system actors of katalog.core.actors, as the audit log keeps them.
_SYSTEM_ACTORS: dict[str, object] = {
    "system:init": gettext_lazy("the system (initial loading)"),
    "system:migration": gettext_lazy("the system (database upgrade)"),
    "system:exchange": gettext_lazy("the system (exchange with another bureau)"),
    "system:worker": gettext_lazy("the system (background work)"),
    "system:operator": gettext_lazy("the system (operator command)"),
}


def register_actions(choices: type[TextChoices]) -> None:
    for value, label in choices.choices:
        _LABELS[str(value)] = label


def action_label(action: str) -> str:
    """The registered label of an action; an unknown action reads as "change"."""
    label = _LABELS.get(action)
    return str(label) if label is not None else _("change")


def actor_label(name: str | None) -> str:
    """A person's username as it is; a system actor of the installation in words."""
    if not name:
        return ""
    label = _SYSTEM_ACTORS.get(name)
    if label is not None:
        return str(label)
    return _("the system") if name.startswith("system:") else name
