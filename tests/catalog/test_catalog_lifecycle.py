import pytest

from katalog.catalog import selectors, services
from katalog.catalog.models import Item, ItemAction, ItemStatus, Reference
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
    ValidationFailed,
)
from tests.factories import ManufacturerFactory, UserFactory, bureau, history_of, make_item


@pytest.fixture
def ru_user(db):
    return UserFactory(username="ru-cataloguer", bureau=bureau("RU"))


@pytest.fixture
def kz_user(db):
    return UserFactory(username="kz-cataloguer", bureau=bureau("KZ"))


def fresh(item: Item) -> Item:
    return Item.objects.get(pk=item.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(("with_replacement", "status"), [(True, "3"), (False, "4")])
def test_cancel_with_or_without_replacement(ru_user, with_replacement, status):
    item, other = make_item(), make_item()
    replacement = other if with_replacement else None
    cancelled = services.item_cancel(
        actor=ru_user, item=item, reason="e", replacement=replacement, expected_version=1
    )
    assert (cancelled.status, cancelled.cancellation_reason, cancelled.replaced_by) == (
        status,
        "E",
        replacement,
    )
    assert cancelled.cancelled_at is not None
    assert cancelled.row_version == 2
    event = history_of(item)[-1]
    assert (event.action, event.reason, event.actor_name, event.bureau_key) == (
        ItemAction.CANCELLED,
        "E",
        ru_user.username,
        "RU",
    )


@pytest.mark.django_db
def test_cancel_checks_reason_state_replacement_and_version(ru_user):
    item, other = make_item(), make_item()
    for reason, error in [("Q", ValidationFailed), ("G", RuleViolation)]:
        with pytest.raises(error):
            services.item_cancel(actor=ru_user, item=item, reason=reason)
    with pytest.raises(RuleViolation) as caught:
        services.item_cancel(actor=ru_user, item=item, reason="A", replacement=item)
    assert caught.value.code == "REPLACEMENT_IS_SAME_ITEM"
    with pytest.raises(PreconditionFailed):
        services.item_cancel(actor=ru_user, item=item, reason="A", expected_version=7)
    services.item_cancel(actor=ru_user, item=other, reason="B")
    with pytest.raises(RuleViolation) as caught:
        services.item_cancel(actor=ru_user, item=item, reason="A", replacement=fresh(other))
    assert caught.value.code == "REPLACEMENT_CANCELLED"
    with pytest.raises(Conflict) as caught:
        services.item_cancel(actor=ru_user, item=other, reason="B")
    assert caught.value.code == "ALREADY_CANCELLED"
    assert fresh(item).status == ItemStatus.ACTIVE


@pytest.mark.django_db
def test_cancel_as_duplicate_moves_references_and_users_to_the_kept_item(ru_user):
    maker = ManufacturerFactory()
    duplicate, kept = make_item(), make_item()
    services.reference_add(actor=SYSTEM_INIT, item=duplicate, manufacturer=maker, number="DUP-1")
    services.reference_add(actor=SYSTEM_INIT, item=duplicate, manufacturer=maker, number="SHARED-1")
    services.reference_add(
        actor=SYSTEM_INIT, item=kept, manufacturer=maker, number="SHARED-1", justification="6"
    )
    for key in ("RU", "KZ"):
        services.registration_add(actor=SYSTEM_INIT, item=duplicate, bureau=bureau(key))
    services.registration_add(actor=SYSTEM_INIT, item=kept, bureau=bureau("RU"))

    cancelled = services.item_cancel_duplicate(actor=ru_user, item=duplicate, kept=kept)

    assert (cancelled.status, cancelled.cancellation_reason, cancelled.replaced_by) == (
        "7",
        "G",
        kept,
    )
    moved = Reference.objects.get(number="DUP-1")
    assert (moved.item, moved.category, moved.variation) == (kept, "E", "8")
    assert (
        Reference.objects.get(number="SHARED-1", item=duplicate).category == "3"
    )  # kept has its own
    users = set(
        kept.registrations.filter(effective_to__isnull=True).values_list("bureau__key", flat=True)
    )
    assert users == {"RU", "KZ"}
    assert not duplicate.registrations.filter(effective_to__isnull=True).exists()
    assert [d["catalogue_number"] for d in selectors.item_lookup("DUP1", reader=SYSTEM_INIT)] == [
        kept.catalogue_number
    ]
    assert (
        selectors.item_detail(fresh(duplicate), reader=SYSTEM_INIT)["use_instead"]
        == kept.catalogue_number
    )
    entry = history_of(kept)[-1]
    assert entry.action == ItemAction.CANCELLED
    assert entry.changes["moved"]["to"] == kept.catalogue_number
    assert [s.object_key for s in entry.subjects.all()] == [duplicate.niin, kept.niin]


@pytest.mark.django_db
def test_cancel_use_needs_a_replacement_and_points_lookups_to_the_end_of_the_chain(ru_user):
    first, second, third = make_item(), make_item(), make_item()
    services.item_cancel_use(actor=ru_user, item=first, replacement=second)
    services.item_cancel(actor=ru_user, item=second, reason="A", replacement=third)
    assert fresh(first).status == ItemStatus.CANCELLED_USE
    detail = selectors.item_detail(
        selectors.item_get(first.catalogue_number, reader=SYSTEM_INIT), reader=SYSTEM_INIT
    )
    assert (detail["replaced_by"], detail["use_instead"]) == (
        second.catalogue_number,
        third.catalogue_number,
    )
    with pytest.raises(TypeError):
        services.item_cancel_use(actor=ru_user, item=third)  # the replacement is required


@pytest.mark.django_db
def test_only_the_assigning_bureau_reinstates_and_it_is_recorded(ru_user, kz_user):
    item = make_item("RU")
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"))
    services.item_cancel(actor=ru_user, item=item, reason="B")
    with pytest.raises(PermissionDenied) as caught:
        services.item_reinstate(actor=kz_user, item=fresh(item), reason="still used")
    assert caught.value.code == "NOT_ASSIGNING_BUREAU"
    with pytest.raises(ValidationFailed):
        services.item_reinstate(actor=ru_user, item=fresh(item), reason="")
    back = services.item_reinstate(actor=ru_user, item=fresh(item), reason="cancelled in error")
    assert (back.status, back.cancellation_reason, back.replaced_by, back.cancelled_at) == (
        "0",
        "",
        None,
        None,
    )
    event = history_of(item)[-1]
    assert (event.action, event.reason, event.changes["before"]["status"]) == (
        ItemAction.REINSTATED,
        "cancelled in error",
        "4",
    )
    with pytest.raises(Conflict) as caught:
        services.item_reinstate(actor=ru_user, item=back, reason="again")
    assert caught.value.code == "NOT_CANCELLED"


@pytest.mark.django_db
def test_reinstating_an_item_nobody_uses_makes_it_inactive(ru_user):
    item = make_item("RU")
    services.item_cancel(actor=ru_user, item=item, reason="F")
    assert (
        services.item_reinstate(actor=ru_user, item=fresh(item), reason="x").status
        == ItemStatus.INACTIVE
    )


@pytest.mark.django_db
def test_last_withdrawal_makes_the_item_inactive_and_a_new_registration_active(kz_user):
    item = make_item("RU")
    for key in ("RU", "KZ"):
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(key))
    services.registration_withdraw(actor=SYSTEM_INIT, item=item, bureau=bureau("RU"))
    assert fresh(item).status == ItemStatus.ACTIVE
    services.registration_withdraw(actor=kz_user, item=item, bureau=bureau("KZ"))
    assert fresh(item).status == ItemStatus.INACTIVE
    with pytest.raises(NotFound) as caught:
        services.registration_withdraw(actor=kz_user, item=item, bureau=bureau("KZ"))
    assert caught.value.code == "NOT_REGISTERED"
    services.registration_add(actor=kz_user, item=fresh(item), bureau=bureau("KZ"))
    assert fresh(item).status == ItemStatus.ACTIVE
    entries = history_of(item)[-2:]
    assert [e.action for e in entries] == [
        ItemAction.REGISTRATION_WITHDRAWN,
        ItemAction.REGISTRATION_ADDED,
    ]
    assert entries[0].changes["before"]["status"] == ItemStatus.ACTIVE
    assert entries[1].changes["after"]["status"] == ItemStatus.ACTIVE


@pytest.mark.django_db
def test_a_cancelled_item_takes_no_new_users():
    item = make_item()
    services.item_cancel(actor=SYSTEM_INIT, item=item, reason="B")
    with pytest.raises(RuleViolation) as caught:
        services.registration_add(actor=SYSTEM_INIT, item=fresh(item), bureau=bureau("KZ"))
    assert caught.value.code == "ITEM_CANCELLED"


@pytest.mark.django_db
def test_every_catalogue_service_writes_the_history(ru_user):
    item = make_item("RU")
    maker = ManufacturerFactory()
    services.reference_add(actor=ru_user, item=item, manufacturer=maker, number="H-1")
    services.characteristic_set(actor=ru_user, item=item, code="THDD", raw="10 mm")
    services.registration_add(actor=ru_user, item=item, bureau=bureau("RU"))
    services.management_set(actor=ru_user, item=item, bureau=bureau("RU"), unit_of_issue="EA")
    actions = [e.action for e in history_of(item)]
    assert actions == [
        ItemAction.CREATED, ItemAction.REFERENCE_ADDED, ItemAction.CHARACTERISTIC_SET,
        ItemAction.REGISTRATION_ADDED, ItemAction.MANAGEMENT_SET,
    ]  # fmt: skip
    added = history_of(item)[1].changes["after"]
    assert added == {"number": "H-1", "manufacturer": maker.code, "category": "3", "variation": "2",
                     "bureau": "RU"}  # fmt: skip
