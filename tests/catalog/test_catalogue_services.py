import pytest

from katalog.catalog import services
from katalog.catalog.models import ItemStatus, Manufacturer, Reference
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import Conflict, ValidationFailed
from tests.factories import ManufacturerFactory, bureau, make_item


@pytest.mark.django_db
def test_manufacturer_code_must_follow_the_country_pattern():
    made = services.manufacturer_create(
        actor=SYSTEM_INIT, code="a12bf", names={"en": "X"}, country="RU"
    )
    assert made.code == "A12BF"
    assert made.bureau.key == "RU"
    with pytest.raises(ValidationFailed) as caught:
        services.manufacturer_create(
            actor=SYSTEM_INIT, code="K12BF", names={"en": "Y"}, country="RU"
        )
    assert caught.value.code == "MANUFACTURER_CODE_PATTERN"
    assert not Manufacturer.objects.filter(code="K12BF").exists()


@pytest.mark.django_db
def test_same_manufacturer_and_normalised_reference_on_two_items_is_a_conflict():
    maker = ManufacturerFactory()
    first, second = make_item(), make_item()
    services.reference_add(actor=SYSTEM_INIT, item=first, manufacturer=maker, number="MS-21042 L3")
    with pytest.raises(Conflict) as caught:
        services.reference_add(
            actor=SYSTEM_INIT, item=second, manufacturer=maker, number="ms21042l3"
        )
    assert caught.value.code == "REFERENCE_CONFLICT"
    assert caught.value.data["conflicting_item"] == first.catalogue_number
    assert not Reference.objects.filter(item=second).exists()


@pytest.mark.django_db
def test_a_justified_duplicate_reference_is_kept_with_its_justification():
    maker = ManufacturerFactory()
    first, second = make_item(), make_item()
    services.reference_add(actor=SYSTEM_INIT, item=first, manufacturer=maker, number="X-1")
    ref = services.reference_add(
        actor=SYSTEM_INIT, item=second, manufacturer=maker, number="X1", justification="6"
    )
    assert (ref.key, ref.justification) == ("X1", "6")


@pytest.mark.django_db
def test_reference_longer_than_32_characters_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        services.reference_add(
            actor=SYSTEM_INIT, item=make_item(), manufacturer=ManufacturerFactory(), number="A" * 33
        )
    assert caught.value.code == "REFERENCE_TOO_LONG"


@pytest.mark.django_db
def test_registration_reactivates_an_inactive_item():
    item = make_item(status=ItemStatus.INACTIVE)
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("AM"))
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE
    with pytest.raises(Conflict):
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("AM"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "raw", "error"),
    [
        ("THDD", "12.5 kg", "UNIT_WRONG_QUANTITY"),
        ("THDD", "-5 mm", "VALUE_OUT_OF_RANGE"),
        ("THDD", "M12", "VALUE_NOT_A_NUMBER"),
        ("MATL", "unobtainium", "REPLY_CODE_UNKNOWN"),
        ("XXXX", "1", "UNKNOWN_CHARACTERISTIC"),
    ],
)
def test_bad_characteristic_values_are_clear_errors(code, raw, error):
    item = make_item()
    with pytest.raises(ValidationFailed) as caught:
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code=code, raw=raw)
    assert caught.value.code == error
    assert not item.characteristics.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["12,5 mm", "12.5mm", "0.492 in", "1/2 in"])
def test_lengths_in_any_notation_are_stored_in_metres(raw):
    item = make_item()
    value = services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw=raw)
    assert value.raw == raw
    assert value.value == pytest.approx(0.0125, abs=0.0003)


@pytest.mark.django_db
def test_coded_reply_accepts_the_meaning_in_russian():
    value = services.characteristic_set(
        actor=SYSTEM_INIT, item=make_item(), code="MATL", raw="нержавеющая сталь"
    )
    assert value.code == "SST"


@pytest.mark.django_db
def test_unknown_supply_class_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        make_item(supply_class="0001")
    assert caught.value.code == "UNKNOWN_SUPPLY_CLASS"
