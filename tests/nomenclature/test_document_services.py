"""Registering, changing, replacing and cancelling documents: rights, rules and the audit."""

from __future__ import annotations

import datetime as dt

import pytest

from katalog.audit.selectors import object_history
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import Conflict, PermissionDenied, PreconditionFailed, ValidationFailed
from katalog.nomenclature import services
from katalog.nomenclature.models import DocumentStatus
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db


def person(bureau_key: str, roles=None):
    return UserFactory(
        username=f"{bureau_key.lower()}-person", bureau=bureau(bureau_key), roles=roles
    )


def kz_standard():
    return services.document_create(
        actor=SYSTEM_INIT,
        number="СТ РК 1234-2005",
        kind="national",
        country="KZ",
        titles={"ru": "Болты"},
    )


def test_a_bureau_may_not_change_another_states_standard():
    document = kz_standard()
    with pytest.raises(PermissionDenied) as refused:
        services.document_cancel(actor=person("RU"), document=document, expected_version=1)
    assert refused.value.code == "NOT_DOCUMENT_BUREAU"
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_FORCE


def test_the_states_bureau_and_the_centre_may_change_it():
    document = kz_standard()
    services.document_update(
        actor=person("KZ"), document=document, expected_version=1, changes={"titles": {"ru": "Б"}}
    )
    services.document_cancel(actor=person("MC"), document=document, expected_version=2)
    document.refresh_from_db()
    assert (document.titles, document.status, document.row_version) == ({"ru": "Б"}, "cancelled", 3)


def test_an_interstate_standard_is_the_centres_alone(nuts_standard):
    with pytest.raises(PermissionDenied):
        services.document_update(
            actor=person("RU"),
            document=nuts_standard,
            expected_version=1,
            changes={"titles": {"ru": "Гайки"}},
        )


def test_a_viewer_of_the_centre_changes_nothing(nuts_standard):
    with pytest.raises(PermissionDenied) as refused:
        services.document_cancel(
            actor=person("MC", roles=["viewer"]), document=nuts_standard, expected_version=1
        )
    assert refused.value.code == "MISSING_ROLE"


def test_a_bureau_may_not_move_its_standard_to_another_state():
    document = kz_standard()
    with pytest.raises(PermissionDenied):
        services.document_update(
            actor=person("KZ"), document=document, expected_version=1, changes={"country": "RU"}
        )


def test_creating_records_the_audit_entry():
    document = kz_standard()
    (entry,) = object_history("document", str(document.pk))
    assert entry.action == "document_created"
    assert entry.changes["after"]["number"] == "СТ РК 1234-2005"


def test_replacing_records_the_audit_entry_with_the_replacement(nuts_standard):
    newer = services.document_create(
        actor=SYSTEM_INIT, number="ГОСТ ISO 4032-2014", kind="interstate", titles={"ru": "Гайки"}
    )
    services.document_replace(
        actor=person("MC"),
        document=nuts_standard,
        expected_version=1,
        replaced_by=newer,
        on=dt.date(2020, 1, 1),
    )
    entry = list(object_history("document", str(nuts_standard.pk)))[-1]
    assert entry.action == "document_replaced"
    assert entry.actor_name == "mc-person"
    assert entry.changes["after"] == {
        "status": "replaced",
        "replaced_by": "ГОСТ ISO 4032-2014",
        "ended_on": "2020-01-01",
    }


def test_the_same_number_in_another_spelling_is_registered_once(nuts_standard):
    with pytest.raises(Conflict) as refused:
        services.document_create(
            actor=SYSTEM_INIT, number="GOST 5915–70", kind="interstate", titles={"en": "Nuts"}
        )
    assert refused.value.code == "DOCUMENT_EXISTS"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"number": " – ", "kind": "interstate"}, "DOCUMENT_NUMBER_REQUIRED"),
        ({"number": "X 1", "kind": "standard"}, "UNKNOWN_DOCUMENT_KIND"),
        ({"number": "X 1", "kind": "national"}, "COUNTRY_REQUIRED"),
        ({"number": "X 1", "kind": "international", "country": "RU"}, "COUNTRY_NOT_ALLOWED"),
        ({"number": "X 1", "kind": "national", "country": "QQ"}, "UNKNOWN_COUNTRY"),
        ({"number": "X 1", "kind": "interstate", "titles": {"ru": " "}}, "DOCUMENT_TITLE_REQUIRED"),
        ({"number": "X" * 61, "kind": "interstate"}, "TEXT_TOO_LONG"),
        (
            {
                "number": "X 1",
                "kind": "interstate",
                "adopted_on": dt.date(2020, 2, 1),
                "in_force_from": dt.date(2020, 1, 1),
            },
            "INVALID_DOCUMENT_DATES",
        ),
    ],
)
def test_invalid_documents_are_refused(fields, code):
    with pytest.raises(ValidationFailed) as refused:
        services.document_create(actor=SYSTEM_INIT, **{"titles": {"ru": "Т"}, **fields})
    assert refused.value.code == code


def test_a_document_is_not_replaced_by_itself_nor_twice(nuts_standard):
    with pytest.raises(ValidationFailed) as refused:
        services.document_replace(
            actor=SYSTEM_INIT, document=nuts_standard, expected_version=1, replaced_by=nuts_standard
        )
    assert refused.value.code == "REPLACEMENT_IS_SAME_DOCUMENT"
    services.document_cancel(actor=SYSTEM_INIT, document=nuts_standard, expected_version=1)
    with pytest.raises(Conflict) as again:
        services.document_cancel(actor=SYSTEM_INIT, document=nuts_standard, expected_version=2)
    assert again.value.code == "DOCUMENT_ENDED"


def test_a_stale_version_is_refused(nuts_standard):
    with pytest.raises(PreconditionFailed):
        services.document_cancel(actor=SYSTEM_INIT, document=nuts_standard, expected_version=7)
