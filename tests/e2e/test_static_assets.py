"""The stylesheets and scripts every page links are served, with the project's own settings."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_pages_load_their_stylesheets_and_scripts(page, failed_assets):
    page.goto("/accounts/login/")

    failed = list(failed_assets)
    failed_assets.clear()  # reported here, once, rather than again by the page fixture
    assert failed == [], "static files missing:\n" + "\n".join(failed)
    # app.css is applied (the skip link is moved off screen until focused) and htmx ran.
    expect(page.get_by_role("link", name="本文へ移動")).to_have_css("position", "absolute")
    assert page.evaluate("typeof window.htmx") == "object"
