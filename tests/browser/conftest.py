"""Real-browser tests: Playwright driving Debian's headless Chromium against the live server.

Chromium missing: the tests are skipped locally, but fail under CI=true, where it must be there.
A failing test leaves a screenshot in var/test-screenshots/<test>.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# The sync Playwright API runs its own event loop in this thread; Django would otherwise refuse
# database access from the test body.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("KATALOG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-screenshots"
PASSWORD = "browser-test-pass"


def _no_browser(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _no_browser(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", extra_http_headers={"Accept-Language": "en"}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def ru_approver(transactional_db):
    """Makes approvers of the RU bureau (who may also catalogue), who log in with PASSWORD;
    four eyes keep them apart."""
    from katalog.accounts.models import User
    from tests.factories import bureau, grant_role

    def _person(username: str) -> User:
        user = User.objects.create_user(username, password=PASSWORD, bureau=bureau("RU"))
        grant_role(user, "approver")
        return user

    return _person


@pytest.fixture
def log_in():
    """Log a user in through the login form, as a person would."""

    def _log_in(tab, username: str, password: str = PASSWORD) -> None:
        tab.goto("/accounts/login/")
        tab.get_by_label(re.compile("User name|Username", re.I)).fill(username)
        tab.locator("#id_password").fill(password)
        with tab.expect_navigation():
            tab.locator("form.stacked button[type=submit]").click()

    return _log_in


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    tab = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and tab is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.name)
        try:
            tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # a dead page must not hide the test's own failure
            report.sections.append(("screenshot", f"could not save a screenshot: {exc}"))
