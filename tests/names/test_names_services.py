"""Changes to item names and guides: the centre's roles make them, each recorded in the log."""

from __future__ import annotations

import pytest

from katalog.accounts.models import Role
from katalog.audit.models import AuditEntry
from katalog.core.errors import PermissionDenied, ValidationFailed
from katalog.names import services
from katalog.names.models import Characteristic, ItemName
from katalog.refdata.models import SupplyClass
from katalog.refdata.services import supply_class_update
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db


def test_a_centre_cataloguer_changes_an_item_names_title_and_the_log_says_what_changed():
    person = UserFactory(bureau=bureau("MC"), roles=[Role.CENTRE_CATALOGUER])
    name = ItemName.objects.get(code="10201")
    services.item_name_update(actor=person, item_name=name, names={**name.names, "ru": "БОЛТ X"})
    name.refresh_from_db()
    assert name.names["ru"] == "БОЛТ X"
    assert "болт" in name.search_text.lower()
    entry = AuditEntry.objects.get(object_type="names.item_name", object_key="10201")
    assert entry.action == "item_name_changed"
    assert '"ru":"БОЛТ X"' in entry.changes_json


def test_a_bureaus_cataloguer_changes_no_reference_data():
    person = UserFactory(bureau=bureau("RU"))
    name = ItemName.objects.get(code="10201")
    with pytest.raises(PermissionDenied):
        services.item_name_update(actor=person, item_name=name, names={"en": "X"})
    row = SupplyClass.objects.filter(code="5305").first()
    with pytest.raises(PermissionDenied):
        supply_class_update(actor=person, supply_class=row, titles={"en": "X"})
    assert not AuditEntry.objects.filter(
        object_type__in=["names.item_name", "refdata.supply_class"]
    )


def test_a_characteristics_code_and_reply_type_are_not_changed():
    person = UserFactory(bureau=bureau("MC"), roles=[Role.CENTRE_ADMIN])
    characteristic = Characteristic.objects.get(guide__code="G0001", code="THDD")
    with pytest.raises(ValidationFailed) as caught:
        services.characteristic_update(
            actor=person, characteristic=characteristic, changes={"reply_type": "text"}
        )
    assert caught.value.code == "FIELD_NOT_CHANGEABLE"
