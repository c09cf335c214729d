"""The import kinds by name, and `import_file`, the entry point of every import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _

from katalog.core.actors import Actor
from katalog.core.errors import RowError, ValidationFailed
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import BATCH_SIZE, BaseImporter, ImportActor, Policy
from katalog.transfer.importers.characteristics import CharacteristicValueImporter
from katalog.transfer.importers.driver import run_import
from katalog.transfer.importers.items import ItemImporter
from katalog.transfer.importers.management import ManagementDataImporter
from katalog.transfer.importers.manufacturers import ManufacturerImporter
from katalog.transfer.importers.references import ReferenceImporter
from katalog.transfer.importers.registrations import RegistrationImporter
from katalog.transfer.importers.report import ImportReport

IMPORTERS: dict[str, type[BaseImporter]] = {
    "items": ItemImporter,
    "manufacturers": ManufacturerImporter,
    "references": ReferenceImporter,
    "characteristics": CharacteristicValueImporter,
    "registrations": RegistrationImporter,
    "management": ManagementDataImporter,
}


def import_file(
    kind: str,
    path: Path,
    *,
    actor: Actor,
    policy: Policy = Policy.SKIP,
    dry_run: bool = False,
    error_file: Path | None = None,
    progress: Callable[[int], None] | None = None,
    on_reject: Callable[[RowError], None] | None = None,
    batch_size: int = BATCH_SIZE,
    source: str = "",
    encoding: str | None = None,
) -> ImportReport:
    """Import one file of `kind` (one of IMPORTERS), acting for `actor`; `encoding` overrides
    the detected encoding of a text file."""
    if kind not in IMPORTERS:
        raise ValidationFailed(
            _("Unknown import kind %(kind)r") % {"kind": kind}, code=E.UNKNOWN_IMPORT_KIND
        )
    importer = IMPORTERS[kind](policy=Policy(policy), dry_run=dry_run, actor=ImportActor.of(actor))
    return run_import(
        importer,
        Path(path),
        error_file=error_file,
        progress=progress,
        on_reject=on_reject,
        batch_size=batch_size,
        source=source,
        encoding=encoding,
    )
