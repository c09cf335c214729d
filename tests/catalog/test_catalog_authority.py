"""Who may write what on an item: the assigning bureau (RU), a registered nation (KZ) and a
nation with no link to the item (AM), for each catalogue write."""

import pytest

from katalog.catalog import services
from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import PermissionDenied
from tests.factories import ManufacturerFactory, UserFactory, bureau, history_of, make_item


@pytest.fixture
def item(db):
    made = make_item("RU")
    services.registration_add(actor=SYSTEM_INIT, item=made, bureau=bureau("KZ"))
    return made


def person(key: str):
    return UserFactory(username=f"{key.lower()}-person", bureau=bureau(key))


def write(action: str, actor, item: Item, own: str):
    """One write in the name of bureau `own`."""
    if action == "characteristic":
        return services.characteristic_set(actor=actor, item=item, code="THDD", raw="10 mm")
    if action == "reference":
        return services.reference_add(
            actor=actor,
            item=item,
            manufacturer=ManufacturerFactory(),
            number="R-1",
            bureau=bureau(own),
        )
    if action == "registration":
        return services.registration_add(actor=actor, item=item, bureau=bureau(own))
    if action == "management":
        return services.management_set(
            actor=actor, item=item, bureau=bureau(own), unit_of_issue="EA"
        )
    if action == "cancel":
        return services.item_cancel(actor=actor, item=item, reason="B")
    raise AssertionError(action)


# (action, acting bureau, in the name of, expected refusal code or None when allowed)
CASES = [
    ("characteristic", "RU", "RU", None),
    ("characteristic", "KZ", "KZ", "NOT_ASSIGNING_BUREAU"),
    ("characteristic", "AM", "AM", "NOT_ASSIGNING_BUREAU"),
    ("reference", "RU", "RU", None),
    ("reference", "KZ", "KZ", None),
    ("reference", "KZ", "RU", "NOT_OWN_DATA"),
    ("reference", "AM", "AM", "NOT_REGISTERED_USER"),
    ("registration", "AM", "AM", None),
    ("registration", "RU", "AM", None),
    ("registration", "AM", "BY", "NOT_OWN_DATA"),
    ("management", "RU", "RU", None),
    ("management", "KZ", "KZ", None),
    ("management", "KZ", "RU", "NOT_OWN_DATA"),
    ("management", "AM", "AM", "NOT_REGISTERED_USER"),
    ("cancel", "RU", "RU", None),
    ("cancel", "KZ", "KZ", "NOT_ASSIGNING_BUREAU"),
    ("cancel", "AM", "AM", "NOT_ASSIGNING_BUREAU"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "acting", "own", "refusal"), CASES)
def test_write_authority(item, action, acting, own, refusal):
    events = len(history_of(item))
    if refusal is None:
        assert write(action, person(acting), item, own) is not None
        assert len(history_of(item)) > events
        return
    with pytest.raises(PermissionDenied) as caught:
        write(action, person(acting), item, own)
    assert caught.value.code == refusal
    assert len(history_of(item)) == events


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["characteristic", "reference", "management", "cancel"])
def test_system_loads_are_not_bound_by_bureau(item, action):
    assert write(action, SYSTEM_INIT, item, "AM" if action != "management" else "KZ") is not None


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["characteristic", "reference", "management", "cancel"])
def test_a_superuser_without_a_cataloguing_role_is_refused(item, action):
    root = UserFactory(username="root", bureau=bureau("RU"), is_superuser=True, roles=[])
    events = len(history_of(item))
    with pytest.raises(PermissionDenied) as caught:
        write(action, root, item, "RU")
    assert caught.value.code == "MISSING_ROLE"
    assert len(history_of(item)) == events


@pytest.mark.django_db
def test_a_viewer_writes_nothing(item):
    viewer = UserFactory(username="ru-viewer", bureau=bureau("RU"), roles=["viewer"])
    with pytest.raises(PermissionDenied) as caught:
        write("reference", viewer, item, "RU")
    assert caught.value.code == "MISSING_ROLE"


@pytest.mark.django_db
def test_a_person_without_a_bureau_writes_nothing(item):
    with pytest.raises(PermissionDenied) as caught:
        write("reference", UserFactory(username="nobody", bureau=None), item, "RU")
    assert caught.value.code == "MISSING_ROLE"


@pytest.mark.django_db
def test_numbers_are_issued_only_by_members_of_the_bureau():
    with pytest.raises(PermissionDenied) as caught:
        services.item_create(
            actor=person("KZ"), bureau=bureau("RU"), supply_class="5310", item_name_code="10101"
        )
    assert caught.value.code == "NOT_ASSIGNING_BUREAU"
    made = services.item_create(
        actor=person("RU"), bureau=bureau("RU"), supply_class="5310", item_name_code="10101"
    )
    assert history_of(made)[-1].action == "created"


@pytest.mark.django_db
def test_a_withdrawn_nation_loses_its_user_rights(item):
    kz = person("KZ")
    services.registration_withdraw(actor=kz, item=item, bureau=bureau("KZ"))
    with pytest.raises(PermissionDenied) as caught:
        write("management", kz, item, "KZ")
    assert caught.value.code == "NOT_REGISTERED_USER"
