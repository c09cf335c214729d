"""Klass's resources (its HAL JSON and CSV shapes) built from katalog's classifications.

Shapes follow Statistics Norway's `klass-api` (`dto/` and `dto/hal/`): HAL `_links` and
`_embedded`, integer ids, dates `yyyy-mm-dd` with the end of a validity exclusive (katalog's
last valid day plus one), `lastModified` as `yyyy-MM-dd'T'HH:mm:ss.SSSZ`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from katalog.classifiers.models import (
    Classification,
    ClassificationFamily,
    CorrespondenceTable,
    Variant,
    Version,
)
from katalog.core.i18n import pick_text

BASE = "/api/klass/v1/"
CODE_FIELDS = [
    "code",
    "parentCode",
    "level",
    "name",
    "shortName",
    "presentationName",
    "validFrom",
    "validTo",
    "notes",
]
RANGED_CODE_FIELDS = [
    *CODE_FIELDS[:-1],
    "validFromInRequestedRange",
    "validToInRequestedRange",
    "notes",
]
CORRESPONDENCE_FIELDS = [
    "sourceCode",
    "sourceName",
    "sourceShortName",
    "targetCode",
    "targetName",
    "targetShortName",
]
RANGED_CORRESPONDENCE_FIELDS = [*CORRESPONDENCE_FIELDS, "validFrom", "validTo"]
CHANGE_FIELDS = [
    "oldCode",
    "oldName",
    "oldShortName",
    "newCode",
    "newName",
    "newShortName",
    "changeOccurred",
]
ITEM_FIELDS = ["code", "parentCode", "level", "name", "shortName", "notes", "validFrom", "validTo"]
MAP_FIELDS = ["sourceCode", "sourceName", "targetCode", "targetName"]


def url(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(BASE + path)


def link(request: HttpRequest, path: str, template: str = "") -> dict[str, Any]:
    if template:
        return {"href": url(request, path) + template, "templated": True}
    return {"href": url(request, path)}


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def end_exclusive(last_day: dt.date | None) -> str | None:
    """Klass gives the first day after a validity; katalog keeps the last day in it."""
    return (last_day + dt.timedelta(days=1)).isoformat() if last_day else None


def stamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text[:-3] + "+0000"


def owner_name(owner: str) -> str:
    """The body responsible for a classification, as Klass names its owning sections."""
    names = {
        "UNSD": _("United Nations Statistics Division"),
        "Eurostat": _("Eurostat"),
        "RU": _("Russian Federation"),
        "KZ": _("Kazakhstan"),
        "KG": _("Kyrgyzstan"),
        "interstate": _("Interstate bodies"),
    }
    return f"{owner} - {names.get(owner, owner)}"


def contact(owner: str) -> dict[str, str]:
    return {"name": owner_name(owner), "email": "", "phone": ""}


def classification_type() -> str:
    return _("Classification")


def last_modified(classification: Classification) -> str | None:
    versions = list(classification.versions.all())
    return stamp(max((v.created_at for v in versions), default=None))


def classification_summary(
    request: HttpRequest, c: Classification, lang: str, *, description: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": pick_text(c.names, lang),
        "id": c.pk,
        "classificationType": classification_type(),
        "classificationFamilyId": c.family_id,
        "lastModified": last_modified(c),
    }
    if description:
        out["description"] = classification_description(c, lang)
    out["_links"] = {"self": link(request, f"classifications/{c.pk}")}
    return out


def classification_description(c: Classification, lang: str) -> str:
    versions = ", ".join(pick_text(v.names, lang) for v in c.versions.all())
    return _("%(name)s. Versions: %(versions)s.") % {
        "name": pick_text(c.names, lang),
        "versions": versions,
    }


def version_summary(request: HttpRequest, v: Version, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": pick_text(v.names, lang),
        "id": v.pk,
        "validFrom": day(v.valid_from),
    }
    if v.valid_to:
        out["validTo"] = end_exclusive(v.valid_to)
    out.update(
        {
            "lastModified": stamp(v.created_at),
            "published": v.languages,
            "_links": {"self": link(request, f"versions/{v.pk}")},
        }
    )
    return out


def classification(
    request: HttpRequest, c: Classification, versions: list[Version], lang: str
) -> dict[str, Any]:
    codes = (
        "{?from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator,level,selectCodes,"
        "presentationNamePattern}"
    )
    at = "{?date=<yyyy-MM-dd>,csvSeparator,level,selectCodes,presentationNamePattern}"
    base = f"classifications/{c.pk}"
    return {
        "name": pick_text(c.names, lang),
        "id": c.pk,
        "classificationType": classification_type(),
        "lastModified": last_modified(c),
        "description": classification_description(c, lang),
        "primaryLanguage": _primary_language(versions),
        "copyrighted": False,
        "includeShortName": False,
        "includeNotes": True,
        "contactPerson": contact(c.owner),
        "owningSection": owner_name(c.owner),
        "statisticalUnits": [],
        # Klass lists the newest version first.
        "versions": [
            version_summary(request, v, lang)
            for v in sorted(versions, key=lambda v: v.valid_from, reverse=True)
        ],
        "_links": {
            "self": link(request, base),
            "codes": link(request, base + "/codes", codes),
            "codesAt": link(request, base + "/codesAt", at),
            "variant": link(
                request,
                base + "/variant",
                "{?variantName,from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator,level,selectCodes,presentationNamePattern}",
            ),
            "variantAt": link(
                request,
                base + "/variantAt",
                "{?variantName,date=<yyyy-MM-dd>,csvSeparator,level,selectCodes,presentationNamePattern}",
            ),
            "corresponds": link(
                request,
                base + "/corresponds",
                "{?targetClassificationId,from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator}",
            ),
            "correspondsAt": link(
                request,
                base + "/correspondsAt",
                "{?targetClassificationId,date=<yyyy-MM-dd>,csvSeparator}",
            ),
            "changes": link(
                request, base + "/changes", "{?from=<yyyy-MM-dd>,to=<yyyy-MM-dd>,csvSeparator}"
            ),
        },
    }


def _primary_language(versions: list[Version]) -> str:
    for v in versions:
        if v.languages:
            return "ru" if "ru" in v.languages else v.languages[0]
    return ""


def level(slug: str, number: int, names: dict[str, str], lang: str) -> dict[str, Any]:
    return {"levelNumber": number, "levelName": pick_text(names, lang) or slug}


def table_summary(request: HttpRequest, t: CorrespondenceTable, lang: str) -> dict[str, Any]:
    source, target = t.source, t.target
    return {
        "name": table_name(t, lang),
        "id": t.pk,
        "contactPerson": contact(source.classification.owner),
        "owningSection": owner_name(source.classification.owner),
        "source": pick_text(source.names, lang),
        "sourceId": source.pk,
        "target": pick_text(target.names, lang),
        "targetId": target.pk,
        "changeTable": source.classification_id == target.classification_id,
        "lastModified": stamp(t.created_at),
        "published": sorted(set(source.languages) | set(target.languages)),
        "sourceLevel": None,
        "targetLevel": None,
        "_links": {
            "self": link(request, f"correspondencetables/{t.pk}"),
            "source": link(request, f"versions/{source.pk}"),
            "target": link(request, f"versions/{target.pk}"),
        },
    }


def table_name(t: CorrespondenceTable, lang: str) -> str:
    return f"{pick_text(t.source.names, lang)} - {pick_text(t.target.names, lang)}"


def table_description(t: CorrespondenceTable, lang: str) -> str:
    kind = t.get_kind_display()
    method = t.get_method_display()
    note = pick_text(t.notes, lang)
    return f"{kind} ({method}). {note}".strip()


def variant_summary(request: HttpRequest, v: Variant, lang: str) -> dict[str, Any]:
    return {
        "name": pick_text(v.names, lang),
        "id": v.pk,
        "contactPerson": contact(v.version.classification.owner),
        "owningSection": owner_name(v.version.classification.owner),
        "lastModified": stamp(v.created_at),
        "published": v.version.languages,
        "_links": {"self": link(request, f"variants/{v.pk}")},
    }


def family_summary(request: HttpRequest, f: ClassificationFamily, lang: str) -> dict[str, Any]:
    return {
        "name": pick_text(f.names, lang),
        "id": f.pk,
        "numberOfClassifications": f.classifications.count(),
        "_links": {"self": link(request, f"classificationfamilies/{f.pk}")},
    }


def page(size: int, total: int, number: int) -> dict[str, int]:
    pages = (total + size - 1) // size if size else 0
    return {"size": size, "totalElements": total, "totalPages": pages, "number": number}
