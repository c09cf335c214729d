import pytest

from katalog.catalog import services as catalog
from katalog.catalog.models import Item, ItemStatus, Reference, Registration, SerialCounter
from katalog.codification import services
from katalog.codification.models import RequestState
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import Conflict, RuleViolation, ValidationFailed
from katalog.screening.models import ScreeningDecision
from tests.codification.codification_helpers import drive, line_args, new_draft
from tests.factories import bureau, make_item


def existing_item_with(maker, number: str, bureau_key: str = "KZ") -> Item:
    item = make_item(bureau_key)
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number=number)
    catalog.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="12 mm")
    catalog.characteristic_set(
        actor=SYSTEM_INIT, item=item, code="MATL", raw="нержавеющая сталь", locale="ru"
    )
    catalog.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(bureau_key))
    return item


def screened(people, *lines):
    return drive(people, new_draft(people["author"], *lines), RequestState.SCREENED)


def approve(people, request):
    services.request_decide(actor=people["decider"], request=request)
    return services.request_approve(actor=people["approver"], request=request)


@pytest.mark.django_db
def test_screening_keeps_the_result_and_verdict_on_each_line(people, maker):
    known = existing_item_with(maker, "АБВГ.303.001")
    request = screened(people, line_args(), line_args("ZX-99-UNIQUE", characteristics={}))
    first, second = request.lines.order_by("position")
    assert first.verdict == "duplicate"
    assert first.screening["candidates"][0]["item_id"] == known.pk
    assert second.verdict == "no_duplicate"
    assert second.screening["candidates"] == [] or second.screening["verdict"] == "no_duplicate"


@pytest.mark.django_db
def test_publishing_a_new_number_writes_the_item_with_everything(people, maker):
    request = screened(people)
    line = request.lines.get()
    services.request_line_decide(actor=people["decider"], line=line, decision="assign")
    published = services.request_publish(actor=people["approver"], request=approve(people, request))
    assert published.state == RequestState.PUBLISHED
    line.refresh_from_db()
    item = line.result_item
    identity = (item.bureau.key, item.supply_class, item.item_name.code, item.identification_type)
    assert identity == ("RU", "5310", "10101", "1")
    ref = item.references.get()
    assert (ref.number, ref.manufacturer.code, ref.category, ref.variation) == (
        "АБВГ.303.001",
        "A501F",
        "3",
        "2",
    )
    assert {v.characteristic.code: v.value for v in item.characteristics.all()}[
        "THDD"
    ] == pytest.approx(0.012)
    assert list(item.registrations.values_list("bureau__key", flat=True)) == ["RU"]
    assert published.transitions.get(name="publish").data["items"] == {"1": item.catalogue_number}


@pytest.mark.django_db
def test_publishing_a_registration_makes_the_bureau_a_user_of_the_found_item(people, maker):
    known = existing_item_with(maker, "АБВГ.303.001")
    request = screened(people)
    services.request_line_decide(
        actor=people["decider"], line=request.lines.get(), decision="register", item=known
    )
    before = Item.objects.count()
    services.request_publish(actor=people["approver"], request=approve(people, request))
    assert Item.objects.count() == before
    assert set(known.registrations.values_list("bureau__key", flat=True)) == {"KZ", "RU"}


@pytest.mark.django_db
def test_a_new_number_against_a_duplicate_verdict_needs_a_recorded_justification(people, maker):
    known = existing_item_with(maker, "АБВГ.303.001")
    request = screened(people)
    line = request.lines.get()
    with pytest.raises(RuleViolation) as caught:
        services.request_line_decide(actor=people["decider"], line=line, decision="assign")
    assert caught.value.code == "OVERRIDE_JUSTIFICATION_REQUIRED"
    services.request_line_decide(
        actor=people["decider"],
        line=line,
        decision="assign",
        justification="not_acceptable_replacement",
        note="different thread class",
    )
    record = ScreeningDecision.objects.get()
    assert (record.item, record.verdict, record.decision, record.justification) == (
        known,
        "duplicate",
        "not_duplicate",
        "not_acceptable_replacement",
    )
    services.request_publish(actor=people["approver"], request=approve(people, request))
    line.refresh_from_db()
    kept = Reference.objects.get(item=line.result_item)
    assert kept.justification == services.OVERRIDE_REFERENCE_JUSTIFICATION


@pytest.mark.django_db
def test_rejecting_a_line_needs_a_reason_code_and_writes_nothing(people, maker):
    request = screened(people)
    line = request.lines.get()
    with pytest.raises(ValidationFailed) as caught:
        services.request_line_decide(actor=people["decider"], line=line, decision="reject")
    assert caught.value.code == "REJECT_REASON_REQUIRED"
    services.request_line_decide(
        actor=people["decider"], line=line, decision="reject", reject_reason="insufficient_data"
    )
    before = Item.objects.count()
    services.request_publish(actor=people["approver"], request=approve(people, request))
    assert Item.objects.count() == before


@pytest.mark.django_db
def test_registration_on_a_cancelled_item_is_refused_at_decision(people, maker):
    gone = make_item("RU")
    catalog.item_cancel(actor=SYSTEM_INIT, item=gone, reason="B")
    request = screened(people)
    with pytest.raises(RuleViolation) as caught:
        services.request_line_decide(
            actor=people["decider"],
            line=request.lines.get(),
            decision="register",
            item=Item.objects.get(pk=gone.pk),
        )
    assert caught.value.code == "ITEM_CANCELLED"


@pytest.mark.django_db
def test_a_failure_on_the_second_line_leaves_nothing_of_the_first(people, maker):
    already_ours = existing_item_with(maker, "QQ-1", bureau_key="KZ")
    request = screened(people, line_args("NEW-1"), line_args("NEW-2"))
    first, second = request.lines.order_by("position")
    services.request_line_decide(
        actor=people["decider"],
        line=first,
        decision="assign",
        justification="characteristics_differ",
    )
    services.request_line_decide(
        actor=people["decider"],
        line=second,
        decision="register",
        item=already_ours,
        justification="same_item",
    )
    request = approve(people, request)
    # RU became a user of the item after the decision: registering it again fails at publication.
    catalog.registration_add(actor=SYSTEM_INIT, item=already_ours, bureau=bureau("RU"))
    items, refs, regs = (
        Item.objects.count(),
        Reference.objects.count(),
        Registration.objects.count(),
    )
    serial = SerialCounter.objects.get(bureau_code=already_ours.bureau_code).last_serial
    with pytest.raises(Conflict) as caught:
        services.request_publish(actor=people["approver"], request=request)
    assert caught.value.code == "ALREADY_REGISTERED"
    assert (Item.objects.count(), Reference.objects.count(), Registration.objects.count()) == (
        items,
        refs,
        regs,
    )
    assert not Reference.objects.filter(number="NEW-1").exists()
    assert SerialCounter.objects.get(bureau_code=already_ours.bureau_code).last_serial == serial
    request.refresh_from_db()
    first.refresh_from_db()
    assert (request.state, request.transitions.filter(name="publish").exists()) == (
        RequestState.APPROVED,
        False,
    )
    assert first.result_item is None
    assert already_ours.status == ItemStatus.ACTIVE


@pytest.mark.django_db
def test_a_review_verdict_needs_and_records_the_justification_of_either_decision(people, maker):
    known = existing_item_with(
        maker, "OTHER-NUMBER-7"
    )  # same name and characteristics, other reference
    request = screened(people)
    line = request.lines.get()
    assert line.verdict == "review"
    with pytest.raises(RuleViolation) as caught:
        services.request_line_decide(
            actor=people["decider"], line=line, decision="register", item=known
        )
    assert caught.value.code == "JUSTIFICATION_REQUIRED"
    services.request_line_decide(
        actor=people["decider"],
        line=line,
        decision="register",
        item=known,
        justification="same_item",
    )
    record = ScreeningDecision.objects.get()
    assert (record.item, record.verdict, record.decision, record.justification) == (
        known,
        "review",
        "duplicate",
        "same_item",
    )


@pytest.mark.django_db
def test_registering_a_nation_already_registered_is_refused_when_decided(people, maker):
    known = existing_item_with(maker, "АБВГ.303.001", bureau_key="RU")
    request = screened(people)
    line = request.lines.get()
    with pytest.raises(Conflict) as refused:
        services.request_line_decide(
            actor=people["decider"], line=line, decision="register", item=known
        )
    assert refused.value.code == "ALREADY_REGISTERED"
    assert refused.value.errors[0].field == "item"
    line.refresh_from_db()
    assert line.decision in ("", None)
