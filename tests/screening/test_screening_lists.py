"""Screening tells the lists: a candidate on a restrictive list in force says so, and a
preferred item of the described item's name is offered first when the caller asks for it
(a request for a new item), unless its key characteristics conflict with the given ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import override

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from katalog.screening.explain import result_shown
from katalog.screening.services import ReferenceInput, ScreeningInput, screen
from tests.factories import UserFactory, bureau

TODAY = timezone.localdate()


def item_list(kind: str, code: str, *, valid_to: dt.date | None = None, **scope):
    return services.item_list_create(
        actor=SYSTEM_INIT,
        bureau=bureau("RU"),
        kind=kind,
        code=code,
        name="Перечень",
        valid_from=TODAY - dt.timedelta(days=30),
        valid_to=valid_to,
        act_number="Приказ 5",
        act_date=TODAY - dt.timedelta(days=31),
        **scope,
    )


def by_reference(**extra):
    return screen(
        ScreeningInput(
            references=(ReferenceInput("АБВГ.123456.001-01", "A100F"),),
            item_name_code="10101",
            supply_class="5310",
            **extra,
        ),
        reader=SYSTEM_INIT,
    )


def test_a_match_on_a_restricted_item_says_so(catalogue) -> None:
    restrictive = item_list("restrictive", "ОГР-7")
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=restrictive, item=catalogue.nut)
    top = by_reference().candidates[0]
    assert top.item_id == catalogue.nut.pk
    assert [(m["kind"], m["code"]) for m in top.restricted_by] == [("restrictive", "ОГР-7")]
    with override("en"):
        shown = result_shown(by_reference().to_record())
    assert shown["candidates"][0]["restricted_hint"] == (
        "On restrictive list ОГР-7 (act Приказ 5): not to be used in new designs"
    )


def test_an_expired_restrictive_list_marks_nothing(catalogue) -> None:
    expired = item_list("restrictive", "OLD", valid_to=TODAY - dt.timedelta(days=1))
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=expired, item=catalogue.nut)
    top = by_reference().candidates[0]
    assert (top.item_id, top.lists) == (catalogue.nut.pk, [])


def test_a_restricted_mark_follows_the_release_rules(catalogue) -> None:
    restrictive = item_list("restrictive", "ОГР-8")
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=restrictive, item=catalogue.nut)
    services.item_identification_update(
        actor=SYSTEM_INIT,
        item=catalogue.nut,
        expected_version=None,
        changes={"release": "restricted"},
    )
    outsider = UserFactory(username="kz-screener", bureau=bureau("KZ"))
    result = screen(
        ScreeningInput(references=(ReferenceInput("АБВГ.123456.001-01", "A100F"),)),
        reader=outsider,
    )
    top = result.candidates[0]
    assert (top.item_id, top.lists) == (catalogue.nut.pk, [])


def test_a_preferred_item_is_offered_first_when_asked(catalogue) -> None:
    preferred = item_list("preferred", "ПРЕД-1", item_names=["10101"])
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=preferred, item=catalogue.sibling)
    values = {"THDP": "1.75 mm"}
    asked = screen(
        ScreeningInput(
            item_name_code="10101", supply_class="5310", characteristics=values, preferred=True
        ),
        reader=SYSTEM_INIT,
    )
    assert (asked.candidates[0].item_id, asked.candidates[0].preferred) == (
        catalogue.sibling.pk,
        True,
    )
    plain = screen(
        ScreeningInput(item_name_code="10101", supply_class="5310", characteristics=values),
        reader=SYSTEM_INIT,
    )
    assert not any(c.preferred for c in plain.candidates)


def test_a_preferred_item_of_conflicting_key_values_is_not_offered(catalogue) -> None:
    preferred = item_list("preferred", "ПРЕД-2")
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=preferred, item=catalogue.sibling)
    result = screen(
        ScreeningInput(
            item_name_code="10101",
            supply_class="5310",
            characteristics={"THDD": "10 mm", "THDP": "1.5 mm"},
            preferred=True,
        ),
        reader=SYSTEM_INIT,
    )
    assert not any(c.preferred for c in result.candidates)


def test_the_parts_list_page_marks_a_restricted_match(catalogue, client) -> None:
    restrictive = item_list("restrictive", "ОГР-10")
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=restrictive, item=catalogue.nut)
    client.force_login(UserFactory(username="ru-parts-list", bureau=bureau("RU"), roles=["viewer"]))
    response = client.post(
        "/screening/list/",
        {"numbers": "АБВГ.123456.001-01", "screen": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "On restrictive list ОГР-10 (act Приказ 5)" in response.content.decode()
