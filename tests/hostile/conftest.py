"""The hostile-input suite: every write of the API and the pages tried by people who may not
make it, and every input field given what an attacker would send. Its cases come from the
OpenAPI document and the URL configuration, so a new endpoint is covered without editing it.

The owner of the data is the Russian bureau. Callers: anonymous, an expired token, a revoked
token, a read-only token of the owner's cataloguer, a viewer of the owner's bureau, and a
cataloguer of another bureau (Armenia). Each refusal must leave the data as it was: the tables
are compared by a digest before and after.

At the end of the session the suite prints its counts (attempts, refused, wrongly accepted,
server errors).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.utils import timezone

from katalog.accounts.models import ApiToken
from katalog.accounts.tokens import token_create, token_revoke
from katalog.catalog import services
from katalog.codification import services as codification
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.jobs.models import Job, JobState
from katalog.nomenclature.keys import document_key
from katalog.nomenclature.models import NormativeDocument
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

# Tables whose rows a refused attempt must leave exactly as they were. Columns that change on
# every read (a token's last use, a person's last sign-in) are left out.
GUARDED_TABLES = [
    "catalog_item", "catalog_reference", "catalog_characteristicvalue", "catalog_registration",
    "catalog_managementdata", "catalog_manufacturer", "catalog_serialcounter",
    "codification_codificationrequest", "codification_requestline", "codification_requestdocument",
    "codification_requesttransition", "screening_screeningdecision", "accounts_rolegrant",
    "jobs_job", "audit_auditentry", "audit_auditsubject",
]  # fmt: skip
VOLATILE_COLUMNS = {"last_used_at", "last_login", "heartbeat_at", "updated_at"}


def table_digest() -> str:
    """One digest of every guarded table's rows, in primary-key order."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in GUARDED_TABLES:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            kept = [c for c in columns if c not in VOLATILE_COLUMNS]
            names = ", ".join(connection.ops.quote_name(c) for c in kept)
            cursor.execute(f"SELECT {names} FROM {table} ORDER BY 1")
            for row in cursor.fetchall():
                digest.update(repr(row).encode("utf-8"))
            digest.update(table.encode())
    digest.update(
        repr(sorted(ApiToken.objects.values_list("pk", "revoked_at", "expires_at"))).encode()
    )
    return digest.hexdigest()


@dataclass
class Tally:
    """What the suite tried and how it was answered."""

    attempts: int = 0
    refused: int = 0
    wrongly_accepted: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def record(
        self, what: str, status: int, changed: bool, *, success_is_acceptance: bool = True
    ) -> None:
        """One attempt. An attempt is wrongly accepted when it changed data or, on the API,
        answered with success; a page that only reads may answer a POST with 200."""
        self.attempts += 1
        self.statuses[status] += 1
        accepted = changed or (success_is_acceptance and status < 300)
        if status >= 500:
            self.server_errors.append(f"{what} → {status}")
        elif accepted:
            self.wrongly_accepted.append(f"{what} → {status}{' (data changed)' if changed else ''}")
        else:
            self.refused += 1


TALLY = Tally()


@pytest.fixture(scope="session")
def tally() -> Tally:
    return TALLY


def pytest_terminal_summary(terminalreporter):
    if not TALLY.attempts:
        return
    terminalreporter.write_sep("-", "hostile-input suite")
    terminalreporter.write_line(
        f"attempts {TALLY.attempts}, refused {TALLY.refused}, wrongly accepted "
        f"{len(TALLY.wrongly_accepted)}, server errors {len(TALLY.server_errors)}; "
        f"statuses {dict(sorted(TALLY.statuses.items()))}"
    )


@dataclass
class World:
    """The owner's data and the tokens of everyone who tries to change it."""

    item: object
    other_item: object
    reference_id: int
    manufacturer_code: str
    request_id: int
    job_id: int
    tokens: dict[str, str | None]
    users: dict[str, object]
    # A national standard of the owner's state (shipped by `katalog init`).
    document_id: int = 0
    # A restrictive list of the owner's bureau with the item on it.
    list_id: int = 0
    # Another bureau's open proposal to cancel the owner's other item as a duplicate of the item.
    proposal_id: int = 0


def token_of(user, **kwargs) -> str:
    return token_create(actor=SYSTEM_OPERATOR, user=user, name="hostile", **kwargs)[1]


@pytest.fixture
def world(db) -> World:
    owner = UserFactory(
        username="ru-owner", bureau=bureau("RU"), roles=["approver", "bureau_admin"]
    )
    viewer = UserFactory(username="ru-viewer", bureau=bureau("RU"), roles=["viewer"])
    stranger = UserFactory(username="am-cataloguer", bureau=bureau("AM"))
    item = make_item("RU", name_text="ГАЙКА")
    other_item = make_item("RU")
    maker = ManufacturerFactory(code="A901F")
    reference = services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=maker, number="ВЛАД.1"
    )
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    for key in ("RU", "KZ"):
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(key))
    services.management_set(
        actor=SYSTEM_INIT, item=item, bureau=bureau("RU"), price="10", currency="RUB"
    )
    request = codification.request_create(actor=owner, title="Гайки")
    codification.request_line_add(
        actor=owner, request=request, item_name_code="10101", supply_class="5310",
        references=[{"number": "ЗАЯВ.1", "manufacturer_code": maker.code}],
    )  # fmt: skip
    job = Job.objects.create(kind="export-items", actor=owner, state=JobState.QUEUED)
    expired_record, expired = token_create(actor=SYSTEM_OPERATOR, user=owner, name="expired")
    ApiToken.objects.filter(pk=expired_record.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    revoked_record, revoked = token_create(actor=SYSTEM_OPERATOR, user=owner, name="revoked")
    token_revoke(actor=SYSTEM_OPERATOR, token=revoked_record)
    item_list = services.item_list_create(
        actor=SYSTEM_INIT, bureau=bureau("RU"), kind="restrictive", code="ОГР-1",
        name="Ограничительный перечень", valid_from=dt.date(2026, 1, 1),
        act_number="Приказ 1", act_date=dt.date(2026, 1, 1),
    )  # fmt: skip
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=item_list, item=item)
    proposal = codification.cancellation_propose(actor=stranger, item=other_item, kept=item)
    tokens = {
        "anonymous": None,
        "expired token": expired,
        "revoked token": revoked,
        "read-only token": token_of(owner, scope="read"),
        "viewer": token_of(viewer),
        "another bureau": token_of(stranger),
        "owner": token_of(owner),
    }
    return World(
        item=item, other_item=other_item, reference_id=reference.pk, manufacturer_code=maker.code,
        request_id=request.pk, job_id=job.pk, tokens=tokens,
        users={"owner": owner, "viewer": viewer, "another bureau": stranger},
        document_id=NormativeDocument.objects.get(key=document_key("ГОСТ Р ИСО 9001-2015")).pk,
        list_id=item_list.pk, proposal_id=proposal.pk,
    )  # fmt: skip
