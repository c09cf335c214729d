"""The normative documents `katalog init` registers: a few public standards that the
demonstration's fasteners cite, registered through the service as any document is."""

from __future__ import annotations

from katalog.core.actors import SYSTEM_INIT
from katalog.nomenclature.keys import document_key
from katalog.nomenclature.models import DocumentKind, NormativeDocument
from katalog.nomenclature.services import document_create

# (number, kind, state, titles): numbers and titles as the standards bodies publish them.
SHIPPED: tuple[tuple[str, str, str | None, dict[str, str]], ...] = (
    (
        "ГОСТ 5915-70",
        DocumentKind.INTERSTATE,
        None,
        {
            "ru": "Гайки шестигранные класса точности В. Конструкция и размеры",
            "en": "Hexagon nuts, product grade B. Construction and dimensions",
        },
    ),
    (
        "ГОСТ 7798-70",
        DocumentKind.INTERSTATE,
        None,
        {
            "ru": "Болты с шестигранной головкой класса точности В. Конструкция и размеры",
            "en": "Hexagon head bolts, product grade B. Construction and dimensions",
        },
    ),
    (
        "ГОСТ 11371-78",
        DocumentKind.INTERSTATE,
        None,
        {"ru": "Шайбы. Технические условия", "en": "Washers. Specifications"},
    ),
    (
        "ГОСТ ISO 9001-2011",
        DocumentKind.INTERSTATE,
        None,
        {
            "ru": "Системы менеджмента качества. Требования",
            "en": "Quality management systems. Requirements",
        },
    ),
    (
        "ISO 4032",
        DocumentKind.INTERNATIONAL,
        None,
        {"en": "Hexagon regular nuts (style 1) — Product grades A and B"},
    ),
    (
        "ISO 4014",
        DocumentKind.INTERNATIONAL,
        None,
        {"en": "Hexagon head bolts — Product grades A and B"},
    ),
    (
        "ISO 9001",
        DocumentKind.INTERNATIONAL,
        None,
        {"en": "Quality management systems — Requirements"},
    ),
    (
        "СТ РК ISO 9001-2016",
        DocumentKind.NATIONAL,
        "KZ",
        {
            "ru": "Системы менеджмента качества. Требования",
            "en": "Quality management systems. Requirements",
        },
    ),
    (
        "ГОСТ Р ИСО 9001-2015",
        DocumentKind.NATIONAL,
        "RU",
        {
            "ru": "Системы менеджмента качества. Требования",
            "en": "Quality management systems. Requirements",
        },
    ),
)


def load_documents() -> int:
    """Register the shipped documents not yet registered; returns how many were."""
    known = set(
        NormativeDocument.objects.filter(
            key__in=[document_key(number) for number, *_rest in SHIPPED]
        ).values_list("key", flat=True)
    )
    made = 0
    for number, kind, country, titles in SHIPPED:
        if document_key(number) in known:
            continue
        document_create(actor=SYSTEM_INIT, number=number, kind=kind, country=country, titles=titles)
        made += 1
    return made
