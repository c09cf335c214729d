"""Forms of the pages. Field labels are translated; numbers follow the page language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from katalog.accounts.models import User
from katalog.codification import services as codification
from katalog.codification.models import (
    LineDecision,
    LineRejectReason,
    RequestPriority,
    RequestState,
)
from katalog.core import units
from katalog.core.i18n import pick_text
from katalog.names.models import Characteristic, ItemName, ReplyType
from katalog.screening.models import ScreeningJustification
from katalog.web import display

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    unit_system = forms.ChoiceField(label=_("Unit system"), choices=User.UnitSystem.choices)
    expert_mode = forms.BooleanField(
        label=_("Expert mode (show NCS codes instead of their meanings)"), required=False
    )


# --- codification requests --------------------------------------------------------------------


REFERENCE_ROWS = 3


class RequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=codification.TITLE_MAX, required=False)
    project_code = forms.CharField(
        label=_("Project code"), max_length=codification.PROJECT_CODE_MAX, required=False
    )
    contract_number = forms.CharField(
        label=_("Contract number"), max_length=codification.CONTRACT_NUMBER_MAX, required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=RequestPriority.choices)
    manufacturer_code = forms.CharField(label=_("Manufacturer code"), max_length=5, required=False)


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", _("any")),
            *RequestState.choices,
        ]
        cast(forms.ChoiceField, self.fields["priority"]).choices = [
            ("", _("any")),
            *RequestPriority.choices,
        ]


def reply_field_name(characteristic: Characteristic) -> str:
    return f"char_{characteristic.code}"


def unit_field_name(characteristic: Characteristic) -> str:
    return f"unit_{characteristic.code}"


def _unit_choices(characteristic: Characteristic, language: str) -> list[tuple[str, str]]:
    codes = units.units_for(characteristic.canonical_unit)
    return [(code, f"{units.unit_symbol(code, locale=language)} ({code})") for code in codes]


class LineForm(forms.Form):
    """A request line built from the item name's identification guide: one typed field per
    characteristic (numbers with a unit choice, coded replies as a list, yes/no), references."""

    item_name = forms.CharField(widget=forms.HiddenInput)
    supply_class = forms.ChoiceField(label=_("Supply class"))
    name_text = forms.CharField(
        label=_("Name as proposed (optional)"),
        max_length=codification.NAME_TEXT_MAX,
        required=False,
    )

    def __init__(
        self,
        *args,
        item_name: ItemName,
        classes: list[tuple[str, str]],
        language: str,
        reply_codes: dict[int, list[tuple[str, dict]]],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item_name_record = item_name
        self.language = language
        self.fields["item_name"].initial = item_name.code
        cast(forms.ChoiceField, self.fields["supply_class"]).choices = classes
        for n in range(1, REFERENCE_ROWS + 1):
            self.fields[f"ref_number_{n}"] = forms.CharField(
                label=_("Reference number %(n)s") % {"n": n}, max_length=32, required=n == 1
            )
            self.fields[f"ref_maker_{n}"] = forms.CharField(
                label=_("Manufacturer code %(n)s") % {"n": n}, max_length=5, required=n == 1
            )
        self.characteristics = (
            list(item_name.guide.characteristics.all()) if item_name.guide else []
        )
        for c in self.characteristics:
            self._add_reply_field(c, reply_codes.get(c.pk, []))

    def _add_reply_field(self, c: Characteristic, codes: list[tuple[str, dict]]) -> None:
        label = pick_text(c.names, self.language) or c.code
        name = reply_field_name(c)
        choices: Sequence[tuple[str, StrOrPromise]]
        if c.reply_type == ReplyType.CODED:
            choices = [("", "—")] + [
                (code, f"{pick_text(m, self.language)} ({code})") for code, m in codes
            ]
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=c.required)
        elif c.reply_type == ReplyType.BOOLEAN:
            choices = [("", "—"), ("yes", _("yes")), ("no", _("no"))]
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=c.required)
        else:
            self.fields[name] = forms.CharField(
                label=label, max_length=codification.REPLY_MAX, required=c.required, localize=True
            )
        if c.reply_type in (ReplyType.NUMERIC, ReplyType.RANGE) and c.canonical_unit:
            self.fields[unit_field_name(c)] = forms.ChoiceField(
                label=_("Unit of %(name)s") % {"name": label},
                choices=_unit_choices(c, self.language),
                initial=c.default_unit,
                required=False,
            )

    def reply_rows(self) -> list[dict]:
        """Per characteristic: the reply field, its unit field (if any) and the guide entry."""
        return [
            {
                "characteristic": c,
                "field": self[reply_field_name(c)],
                "unit": self[unit_field_name(c)] if unit_field_name(c) in self.fields else None,
            }
            for c in self.characteristics
        ]

    def reference_rows(self) -> list[tuple]:
        return [
            (self[f"ref_number_{n}"], self[f"ref_maker_{n}"]) for n in range(1, REFERENCE_ROWS + 1)
        ]

    def replies(self, data: dict | None = None) -> dict[str, str]:
        """The replies as typed, a unit appended to numbers: {"THDD": "10 MMT"}."""
        data = data if data is not None else self.cleaned_data
        replies = {}
        for c in self.characteristics:
            raw = str(data.get(reply_field_name(c)) or "").strip()
            if not raw:
                continue
            unit = str(data.get(unit_field_name(c)) or "").strip()
            replies[c.code] = combine_reply(c, raw, unit)
        return replies

    def references(self, data: dict | None = None) -> list[dict[str, str]]:
        data = data if data is not None else self.cleaned_data
        rows = []
        for n in range(1, REFERENCE_ROWS + 1):
            number = str(data.get(f"ref_number_{n}") or "").strip()
            if number:
                rows.append(
                    {
                        "number": number,
                        "manufacturer_code": str(data.get(f"ref_maker_{n}") or "").strip(),
                    }
                )
        return rows

    def field_for_error(self, name: str) -> str | None:
        """The form field a service's field error belongs to, e.g. characteristics.THDD →
        char_THDD."""
        if name.startswith("characteristics."):
            return "char_" + name.split(".", 1)[1]
        if name.startswith("references["):
            index = int(name[len("references[") :].split("]", 1)[0]) + 1
            return (
                f"ref_maker_{index}"
                if name.endswith("manufacturer_code")
                else f"ref_number_{index}"
            )
        return name if name in self.fields else None


def combine_reply(c: Characteristic, raw: str, unit: str) -> str:
    """A number typed without a unit gets the chosen unit; text with its own unit is kept."""
    if c.reply_type not in (ReplyType.NUMERIC, ReplyType.RANGE) or not unit:
        return raw
    if raw[-1:].isdigit() or raw[-1:] in ".,":
        return f"{raw} {unit}"
    return raw


class DecisionForm(forms.Form):
    # The stable code of a refusal shown on the form, for the page's markup (see put_on_form).
    refusal_code = ""
    decision = forms.ChoiceField(label=_("Decision"), choices=LineDecision.choices)
    item = forms.CharField(
        label=_("Existing item (catalogue number)"), max_length=20, required=False
    )
    reject_reason = forms.ChoiceField(
        label=_("Reason for rejection"),
        required=False,
        choices=[("", "—"), *LineRejectReason.choices],
    )
    justification = forms.ChoiceField(
        label=_("Justification"),
        required=False,
        choices=[("", "—"), *ScreeningJustification.choices],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=codification.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    row_version = forms.IntegerField(widget=forms.HiddenInput)


# --- jobs ---------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("File (CSV, TSV, XLSX or JSON lines)"))
    on_existing = forms.ChoiceField(
        label=_("Rows that already exist"),
        choices=[
            ("skip", _("skip them")),
            ("update", _("update them")),
            ("fail", _("reject them")),
        ],
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV or JSON Lines file"),
        required=False,
        choices=[
            ("", _("detect automatically")),
            ("utf-8", "UTF-8"),
            ("utf-16", "UTF-16"),
            ("cp1251", "Windows-1251"),
            ("cp1252", "Windows-1252"),
            ("latin-1", "ISO-8859-1 (Latin-1)"),
            ("koi8-r", "KOI8-R"),
            ("cp866", "CP866 (DOS)"),
        ],
    )
    dry_run = forms.BooleanField(label=_("Dry run: check only, change nothing"), required=False)

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k, display.import_content_text(k)) for k in kinds
        ]


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX"), ("jsonl", "JSON lines")]
    )
    q = forms.CharField(label=_("Only items matching (search text, optional)"), required=False)


# --- duplicate candidates across nations --------------------------------------------------------


class CandidateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("confirm", _("Confirm: one item codified twice")),
            ("dismiss", _("Dismiss: not the same item")),
        ],
    )
    justification = forms.CharField(
        label=_("Justification"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemListEntryForm(forms.Form):
    """Put an item on a list of preferred items or a restrictive list."""

    item = forms.CharField(label=_("Catalogue number"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
