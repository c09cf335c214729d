"""The audit log is hash-chained: `katalog audit verify` recomputes the chain and names the first
entry that was changed, removed or reordered behind the application's back, on both databases;
on PostgreSQL a trigger refuses UPDATE and DELETE of the log outright."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from katalog.audit.models import AuditEntry, AuditSubject
from katalog.audit.selectors import audit_verify
from katalog.audit.services import Subject, audit_record
from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, make_item

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def behind_the_back():
    """Raw SQL on the log's tables, as someone with database access and no application would:
    on PostgreSQL the append-only triggers are switched off for the moment."""
    tables = ("audit_auditentry", "audit_auditsubject")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit; the checks pending in the test's transaction
            # must run first, or ALTER TABLE is refused.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


@pytest.fixture
def logged():
    """A few real changes, each written to the log by its service."""
    item = make_item()
    maker = ManufacturerFactory()
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="AX-1")
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    services.item_cancel(actor=SYSTEM_INIT, item=item, reason="B")
    return list(AuditEntry.objects.order_by("seq"))


def test_entries_are_chained_in_order_and_verify(logged):
    seqs = [e.seq for e in logged]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    for before, after in itertools.pairwise(logged):
        assert after.prev_hash == before.hash
    check = audit_verify()
    assert check.ok
    assert check.checked == AuditEntry.objects.count()


def test_a_changed_entry_is_named(logged):
    target = logged[1]
    with behind_the_back() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET changes_json = %s WHERE id = %s", ['{"x":1}', target.pk]
        )
    check = audit_verify()
    assert (check.broken_seq, check.problem) == (target.seq, "CONTENT_CHANGED")
    assert str(target.seq) in check.message()


def test_a_changed_actor_or_time_is_named(logged):
    target = logged[2]
    with behind_the_back() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["someone", target.pk]
        )
    assert audit_verify().broken_seq == target.seq


def test_a_changed_subject_is_named(logged):
    target = logged[0]
    subject = AuditSubject.objects.filter(entry=target).first()
    with behind_the_back() as cursor:
        cursor.execute(
            "UPDATE audit_auditsubject SET object_key = %s WHERE id = %s", ["999999999", subject.pk]
        )
    assert audit_verify().broken_seq == target.seq


def test_a_removed_entry_is_named(logged):
    target = logged[1]
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditsubject WHERE entry_id = %s", [target.pk])
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [target.pk])
    check = audit_verify()
    assert (check.broken_seq, check.problem) == (target.seq, "ENTRY_MISSING")


def test_entries_removed_from_the_end_are_found(logged):
    last = logged[-1]
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditsubject WHERE entry_id = %s", [last.pk])
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
    check = audit_verify()
    assert (check.broken_seq, check.problem) == (last.seq, "TAIL_REMOVED")


def test_the_command_names_the_broken_entry_with_an_exit_code(logged, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    target = logged[0]
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["x", target.pk])
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 7
    assert f"entry {target.seq}" in str(caught.value)


@pytest.mark.postgres_only
def test_postgresql_refuses_update_and_delete_of_the_log(logged):
    target = logged[0]
    for sql in (
        "UPDATE audit_auditentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
        "UPDATE audit_auditsubject SET object_key = 'x' WHERE entry_id = %s",
    ):
        with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [target.pk])
        assert "append-only" in str(caught.value)
    assert audit_verify().ok


def test_a_batch_entry_names_every_object():
    with transaction.atomic():
        entry = audit_record(
            actor=SYSTEM_INIT,
            action="items_imported",
            object_type="import",
            object_key="file.csv:2-4",
            subjects=[Subject("item", f"57000000{i}", {"action": "created"}) for i in range(3)],
        )
    assert [s.object_key for s in entry.subjects.order_by("position")] == [
        "570000000",
        "570000001",
        "570000002",
    ]
    assert entry.subject_count == 3
    assert audit_verify().ok
