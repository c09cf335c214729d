"""Writes of the register of normative documents: register, change, replace and cancel.

A document of a state (a national standard, or a specification or drawing of an owner there) is
kept by that state's bureau or by the interstate centre; interstate and international standards
by the centre alone. Each write checks the actor's rights, runs in one transaction and records
its audit entry there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.models import BureauKind
from katalog.audit.services import audit_record
from katalog.catalog.services.checks import text_limit
from katalog.catalog.services.history import check_version
from katalog.core.actors import Actor, is_system
from katalog.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from katalog.core.text import search_words
from katalog.nomenclature.errors import NomenclatureErrorCode as E
from katalog.nomenclature.keys import document_key
from katalog.nomenclature.models import (
    DocumentAction,
    DocumentKind,
    DocumentStatus,
    NormativeDocument,
)

DOCUMENT = "document"
NUMBER_MAX = 60
TITLE_MAX = 500
# Kinds that belong to one state; the others are interstate or international.
KINDS_OF_A_STATE = (DocumentKind.NATIONAL, DocumentKind.SPECIFICATION, DocumentKind.DRAWING)


def _invalid(field: str, code: E, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, errors=[FieldError(field, code, message)])


def require_document_authority(actor: Actor, country: str | None) -> None:
    """Cataloguers of the centre keep every document; a national bureau those of its state."""
    if is_system(actor) and rights.has_permission(actor, rights.Permission.CATALOGUE):
        return
    bureau = rights.acting_bureau(actor, rights.Permission.CATALOGUE)
    if bureau.kind == BureauKind.CENTRE or (country and bureau.country_id == country):
        return
    raise PermissionDenied(
        _("Only the interstate centre or the bureau of the document's state may change it"),
        code=E.NOT_DOCUMENT_BUREAU,
    )


def check_number(number: str) -> tuple[str, str]:
    """The number as written (trimmed) and its key."""
    number = text_limit("number", (number or "").strip(), NUMBER_MAX)
    key = document_key(number)
    if not key:
        raise _invalid("number", E.DOCUMENT_NUMBER_REQUIRED, _("A document needs a number"))
    return number, key


def check_titles(titles: Mapping[str, str]) -> dict[str, str]:
    cleaned = {
        str(lang): text_limit("titles", str(text).strip(), TITLE_MAX)
        for lang, text in titles.items()
        if text and str(text).strip()
    }
    if not cleaned:
        raise _invalid("titles", E.DOCUMENT_TITLE_REQUIRED, _("A document needs a title"))
    return cleaned


def check_kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise _invalid("kind", E.UNKNOWN_DOCUMENT_KIND, _("Unknown kind of document"))
    return kind


def check_country(kind: str, country: str | None) -> str | None:
    """A national standard names its state; interstate and international ones name none."""
    from katalog.refdata.models import Country

    country = (country or "").strip().upper() or None
    if kind == DocumentKind.NATIONAL and country is None:
        raise _invalid("country", E.COUNTRY_REQUIRED, _("A national standard names its state"))
    if kind not in KINDS_OF_A_STATE and country is not None:
        raise _invalid(
            "country",
            E.COUNTRY_NOT_ALLOWED,
            _("An interstate or international standard belongs to no one state"),
        )
    if country is not None and not Country.objects.filter(pk=country).exists():
        raise _invalid(
            "country", E.UNKNOWN_COUNTRY, _("Unknown country %(code)r") % {"code": country}
        )
    return country


def check_dates(adopted_on: dt.date | None, in_force_from: dt.date | None) -> None:
    if adopted_on and in_force_from and in_force_from < adopted_on:
        raise _invalid(
            "in_force_from",
            E.INVALID_DOCUMENT_DATES,
            _("A document comes into force on or after the day it is adopted"),
        )


def _refuse_existing(key: str, own_pk: int | None = None) -> None:
    others = NormativeDocument.objects.filter(key=key)
    other = (others.exclude(pk=own_pk) if own_pk is not None else others).first()
    if other is not None:
        raise Conflict(
            _("The document %(number)s is already registered") % {"number": other.number},
            code=E.DOCUMENT_EXISTS,
            data={"id": other.pk},
        )


def document_fields(document: NormativeDocument) -> dict[str, Any]:
    """What the audit log keeps of a document."""
    return {
        "number": document.number,
        "kind": document.kind,
        "country": document.country_id,
        "titles": document.titles,
        "status": document.status,
        "replaced_by": document.replaced_by.number if document.replaced_by else None,
        "adopted_on": document.adopted_on.isoformat() if document.adopted_on else None,
        "in_force_from": document.in_force_from.isoformat() if document.in_force_from else None,
        "ended_on": document.ended_on.isoformat() if document.ended_on else None,
    }


def _record(actor: Actor, action: str, document: NormativeDocument, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=DOCUMENT,
        object_key=str(document.pk),
        changes=changes,
    )


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    keys = [k for k in after if after[k] != before[k]]
    return {"before": {k: before[k] for k in keys}, "after": {k: after[k] for k in keys}}


@transaction.atomic
def document_create(
    *,
    actor: Actor,
    number: str,
    kind: str,
    titles: Mapping[str, str],
    country: str | None = None,
    adopted_on: dt.date | None = None,
    in_force_from: dt.date | None = None,
) -> NormativeDocument:
    """Register a document in force under its number; its key must be new."""
    kind = check_kind(kind)
    country = check_country(kind, country)
    require_document_authority(actor, country)
    number, key = check_number(number)
    titles = check_titles(titles)
    check_dates(adopted_on, in_force_from)
    _refuse_existing(key)
    document = NormativeDocument.objects.create(
        number=number,
        key=key,
        kind=kind,
        country_id=country,
        titles=titles,
        search_text=search_words(*titles.values()),
        adopted_on=adopted_on,
        in_force_from=in_force_from,
    )
    _record(actor, DocumentAction.CREATED, document, {"after": document_fields(document)})
    return document


def _locked(document: NormativeDocument, expected_version: int | None) -> NormativeDocument:
    locked = (
        NormativeDocument.objects.select_for_update(of=("self",))
        .select_related("replaced_by")
        .get(pk=document.pk)
    )
    check_version(locked.row_version, expected_version, locked.number)
    return locked


def _save(document: NormativeDocument) -> None:
    document.row_version += 1
    document.save()


@transaction.atomic
def document_update(
    *,
    actor: Actor,
    document: NormativeDocument,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> NormativeDocument:
    """Change the number, kind, state, titles or dates of a document (its status changes only
    by `document_replace` and `document_cancel`)."""
    document = _locked(document, expected_version)
    require_document_authority(actor, document.country_id)
    before = document_fields(document)
    if "number" in changes:
        document.number, document.key = check_number(changes["number"])
        _refuse_existing(document.key, document.pk)
    kind = check_kind(changes["kind"]) if "kind" in changes else document.kind
    if "kind" in changes or "country" in changes:
        country = changes.get("country", document.country_id)
        document.kind, document.country_id = kind, check_country(kind, country)
        # Moving a document to another state needs the rights over that state too.
        require_document_authority(actor, document.country_id)
    if "titles" in changes:
        document.titles = check_titles(changes["titles"] or {})
        document.search_text = search_words(*document.titles.values())
    for name in ("adopted_on", "in_force_from"):
        if name in changes:
            setattr(document, name, changes[name])
    check_dates(document.adopted_on, document.in_force_from)
    after = document_fields(document)
    if after == before:
        return document
    _save(document)
    _record(actor, DocumentAction.CHANGED, document, _changed(before, after))
    return document


def _require_in_force(document: NormativeDocument) -> None:
    if document.ended:
        raise Conflict(
            _("The document %(number)s is no longer in force") % {"number": document.number},
            code=E.DOCUMENT_ENDED,
        )


@transaction.atomic
def document_replace(
    *,
    actor: Actor,
    document: NormativeDocument,
    expected_version: int | None,
    replaced_by: NormativeDocument,
    on: dt.date | None = None,
) -> NormativeDocument:
    """Mark a document in force as replaced by another one in force, from the day `on`
    (today if not given). The items citing it are flagged from then on."""
    document = _locked(document, expected_version)
    require_document_authority(actor, document.country_id)
    _require_in_force(document)
    if replaced_by.pk == document.pk:
        raise _invalid(
            "replaced_by",
            E.REPLACEMENT_IS_SAME_DOCUMENT,
            _("A document cannot be replaced by itself"),
        )
    if replaced_by.ended:
        raise _invalid(
            "replaced_by",
            E.REPLACEMENT_ENDED,
            _("The replacing document %(number)s is no longer in force")
            % {"number": replaced_by.number},
        )
    before = document_fields(document)
    document.status = DocumentStatus.REPLACED
    document.replaced_by = replaced_by
    document.ended_on = on or timezone.localdate()
    _save(document)
    _record(actor, DocumentAction.REPLACED, document, _changed(before, document_fields(document)))
    return document


@transaction.atomic
def document_cancel(
    *,
    actor: Actor,
    document: NormativeDocument,
    expected_version: int | None,
    on: dt.date | None = None,
    reason: str = "",
) -> NormativeDocument:
    """Mark a document in force as cancelled without replacement from the day `on`."""
    document = _locked(document, expected_version)
    require_document_authority(actor, document.country_id)
    _require_in_force(document)
    before = document_fields(document)
    document.status = DocumentStatus.CANCELLED
    document.ended_on = on or timezone.localdate()
    _save(document)
    audit_record(
        actor=actor,
        action=DocumentAction.CANCELLED,
        object_type=DOCUMENT,
        object_key=str(document.pk),
        changes=_changed(before, document_fields(document)),
        reason=text_limit("reason", reason, 500),
    )
    return document
