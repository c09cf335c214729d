"""Script typed into text fields stays text in a real browser: no page that shows it runs it."""

from __future__ import annotations

from urllib.parse import quote

from katalog.catalog import services
from katalog.codification import services as codification
from katalog.core.actors import SYSTEM_INIT
from tests.browser.conftest import PASSWORD
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

SCRIPT = "<script>alert('name')</script><img src=x onerror=\"alert('img')\">"


def test_script_in_text_fields_never_runs(page, log_in):
    person = UserFactory(username="ru-browser", bureau=bureau("RU"))
    person.set_password(PASSWORD)
    person.save()
    item = make_item("RU", name_text=SCRIPT[:200])
    maker = ManufacturerFactory(code="A904F", names={"ru": SCRIPT}, address=SCRIPT)
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="<b>X</b>-1")
    request = codification.request_create(actor=person, title=SCRIPT[:200])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, "ru-browser")
    for url in (
        f"/items/{item.catalogue_number}/?mode=expert",
        "/manufacturers/A904F/",
        f"/requests/{request.pk}/",
        "/search/?q=" + quote(SCRIPT),
    ):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.locator("script:has-text('alert')").count() == 0, url
    page.goto("/manufacturers/A904F/")
    assert "<script>alert('name')</script>" in page.locator("main").inner_text()
    assert dialogs == []
