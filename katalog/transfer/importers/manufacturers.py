"""Manufacturers, in katalog's layout or the SAM sample layout."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.catalog.models import Manufacturer
from katalog.catalog.services import checks, manufacturer_search_text
from katalog.core.errors import RowError
from katalog.transfer.bulk import bulk_insert
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import (
    BaseImporter,
    ImportActor,
    Policy,
    RowRejected,
    checked,
    pick,
)
from katalog.transfer.importers.report import ErrorSink, ImportReport
from katalog.transfer.seen import SeenLines


@dataclass
class ManufacturerRecord:
    code: str
    names: dict[str, str]
    country: str
    address: str
    status: str
    bureau_id: int
    parent_code: str


class ManufacturerImporter(BaseImporter):
    """Manufacturers in katalog's layout (`code, name_en, name_ru, country, …`) or the SAM
    sample layout (`cage_code, duns, company_name`, all in the United States)."""

    kind = "manufacturers"

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.tables = checks.CodeTables.load()
        self.bureaus = {
            b.country_id: b for b in Bureau.objects.exclude(country=None).order_by("-kind")
        }
        self.seen = SeenLines()

    def validate(self, line: int, row: dict[str, str]) -> ManufacturerRecord:
        column, code = pick(row, "code", "cage_code", "manufacturer_code")
        code = code.upper()
        country_text = row.get("country") or ("US" if "cage_code" in row else "")
        country = checked("country", checks.country, country_text, self.tables.countries)
        bureau = self.bureaus.get(country)
        if bureau is None:
            raise RowRejected(
                "country",
                E.NO_BUREAU_FOR_COUNTRY,
                _("no bureau for country %(c)s") % {"c": country},
            )
        if not self.actor.may_write_for(bureau.pk):
            raise RowRejected(
                "country",
                E.NOT_MANUFACTURER_BUREAU,
                _("manufacturers of %(country)s are registered by bureau %(bureau)s only")
                % {"country": country, "bureau": bureau.key},
            )
        code = checked(
            column, checks.manufacturer_code, code, bureau.manufacturer_code_patterns, bureau.key
        )
        if code in self.seen:
            raise RowRejected(
                column,
                E.DUPLICATE_IN_FILE,
                _("code already given on line %(line)d") % {"line": self.seen[code]},
            )
        names = {k.removeprefix("name_"): v for k, v in row.items() if k.startswith("name_") and v}
        if row.get("company_name"):
            names.setdefault("en", row["company_name"])
        if row.get("name"):
            names.setdefault("en", row["name"])
        if not names:
            raise RowRejected("name", E.MISSING_VALUE, _("the manufacturer has no name"))
        self.seen[code] = line
        return ManufacturerRecord(
            code=code, names=names, country=country, address=row.get("address", ""),
            status=checked("status", checks.manufacturer_status, row.get("status"),
                           self.tables.manufacturer_statuses),
            bureau_id=bureau.pk,
            parent_code=row.get("parent_code", "").upper(),
        )  # fmt: skip

    def write(self, records, sink: ErrorSink, report: ImportReport) -> None:
        countries = dict(
            Manufacturer.objects.filter(code__in=[r.code for _l, r in records]).values_list(
                "code", "country_id"
            )
        )
        existing = set(countries)
        new = [r for _l, r in records if r.code not in existing]
        changed = []
        for line, r in records:
            if r.code not in existing or self.policy != Policy.UPDATE:
                continue
            if countries[r.code] != r.country:
                sink.add(RowError(line, "country", E.MANUFACTURER_COUNTRY_FIXED,
                                  _("the country of a registered manufacturer does not change")))  # fmt: skip
            else:
                changed.append(r)
        for line, r in records:
            if r.code in existing and self.policy == Policy.FAIL:
                sink.add(
                    RowError(line, "code", E.ALREADY_EXISTS, _("the manufacturer already exists"))
                )
        report.skipped += sum(
            1 for _l, r in records if r.code in existing and self.policy == Policy.SKIP
        )
        bulk_insert(Manufacturer, [self._manufacturer(r) for r in new], unique_fields=["code"])
        for r in new:
            self.changed("manufacturer", r.code, {"action": "created", "names": r.names})
        for r in changed:
            self.changed("manufacturer", r.code, {"action": "updated", "names": r.names,
                                                  "address": r.address, "status": r.status})  # fmt: skip
        bulk_insert(
            Manufacturer, [self._manufacturer(r) for r in changed], unique_fields=["code"],
            update_fields=["names", "address", "status", "search_text"],
        )  # fmt: skip
        self._link_parents(new + changed)
        report.created += len(new)
        report.updated += len(changed)

    @staticmethod
    def _manufacturer(r: ManufacturerRecord) -> Manufacturer:
        return Manufacturer(
            code=r.code, names=r.names, country_id=r.country, address=r.address, status=r.status,
            bureau_id=r.bureau_id, search_text=manufacturer_search_text(r.code, r.names),
        )  # fmt: skip

    @staticmethod
    def _link_parents(records: list[ManufacturerRecord]) -> None:
        with_parent = [r for r in records if r.parent_code]
        parents = dict(
            Manufacturer.objects.filter(code__in=[r.parent_code for r in with_parent]).values_list(
                "code", "id"
            )
        )
        for r in with_parent:
            if r.parent_code in parents:
                Manufacturer.objects.filter(code=r.code).update(parent_id=parents[r.parent_code])
