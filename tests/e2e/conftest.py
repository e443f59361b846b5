"""Browser tests: Debian's chromium driven by Playwright (sync API) against pytest-django's
live_server.

One browser for the whole session; each test gets a fresh context (cookies, storage) and page.
Every page the journeys visit can be checked with `screen(name)`: an axe-core scan that fails
on "serious" or "critical" violations, and a screenshot in test-artifacts/screens/<name>.png
(git-ignored) for a person to look at.

The persona fixtures come from yorisoi/testing.py (a plugin of the root conftest.py). live_server makes these tests
transactional: the database is flushed after every test, and `master` and the personas are
built again for the next one.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an asyncio event loop in the test thread (inside a greenlet), so
# Django's async-safety check sees a "running loop" and refuses every ORM call made by the test
# itself (building personas, checking what was saved, flushing the database afterwards) with
# SynchronousOnlyOperation. Those calls are plain synchronous code that never runs inside the
# loop, so the check is a false alarm here; the live server answers the browser from its own
# thread and is unaffected.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "correct-horse-battery-staple"  # what yorisoi.testing.make_user sets
TABLET = {"width": 1024, "height": 768}
HOME_HEADING = re.compile("^(今日やること|ホーム)$")
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            # --lang: the date and time inputs follow the browser's interface language, as
            # on a Japanese member of staff's machine (the context's locale does not).
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--lang=ja-JP",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screens_dir(pytestconfig) -> Path:
    path = pytestconfig.rootpath / "test-artifacts" / "screens"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_context(browser, live_server, **kwargs):
    # Staff use Japanese browsers; without this chromium asks for en-US and Django's
    # LocaleMiddleware would answer in English.
    return browser.new_context(
        base_url=live_server.url,
        viewport=TABLET,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        **kwargs,
    )


@pytest.fixture
def csp_violations() -> list[str]:
    """Console messages in which chromium reports a blocked inline script or style."""
    return []


@pytest.fixture
def failed_assets() -> list[str]:
    """Stylesheets, scripts and other static files the browser could not load."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations, failed_assets):
    context = _new_context(browser, live_server)
    context.set_default_timeout(5_000)
    # A first page (the login, with its static files) can take longer on a busy 2-core machine.
    context.set_default_navigation_timeout(15_000)
    page = context.new_page()

    def on_console(message):
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            failed_assets.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
    # Every journey runs under the real CSP; a blocked script or style is a defect.
    assert csp_violations == [], "\n".join(csp_violations)
    assert failed_assets == [], "\n".join(failed_assets)


@pytest.fixture
def login(page):
    """Sign in through the real login form (django-axes sees a real POST)."""

    def login_as(username: str, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("利用者ID").fill(username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
        # Caseworkers land on 今日やること, the other roles on ホーム.
        expect(page.get_by_role("heading", level=1, name=HOME_HEADING)).to_be_visible()
        return page

    return login_as


def _axe_blocking(page) -> list[dict]:
    """axe-core violations on the current page whose impact is serious or critical.

    axe-playwright-python injects axe.min.js with page.evaluate(), which goes through the
    DevTools protocol and is not subject to the page's CSP, so the scan runs on the real page
    under the real policy; no bypass_csp context is needed.
    """
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


@pytest.fixture
def axe_blocking():
    """axe_blocking(page): the serious and critical axe-core violations on the page."""
    return _axe_blocking


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {', '.join(node['target'])}: {node['html'][:160]}")
            lines.extend(f"      {check['message']}" for check in node["any"] + node["all"])
    return "\n".join(lines)


@pytest.fixture
def screen(page, screens_dir):
    """screen(name): scan the current page with axe-core and save a full-page screenshot.

    phone=True does both again at a phone's width (<name>_phone.png), then returns to the
    tablet viewport.
    """

    def shoot_and_scan(name: str):
        page.screenshot(path=screens_dir / f"{name}.png", full_page=True)
        blocking = _axe_blocking(page)
        assert blocking == [], f"axe on {name} ({page.url}):\n{describe(blocking)}"

    def check(name: str, *, phone: bool = False):
        page.wait_for_load_state()
        shoot_and_scan(name)
        if phone:
            page.set_viewport_size(PHONE)
            shoot_and_scan(f"{name}_phone")
            # WCAG 1.4.10 (reflow): nothing may need sideways scrolling at a phone's width.
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            page.set_viewport_size(TABLET)
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {PHONE['width']}px"

    return check
