"""Languages: Arabic reads right to left, and switching language keeps the page and stores nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from harbour.core.tests.browser.harness import public_pages

pytestmark = pytest.mark.browser


def language_link(page: Page, code: str) -> Locator:
    """The switcher's link to `code`, found the same way whatever the page's language."""
    return page.locator(f"header nav a[hreflang={code}]")


def test_arabic_pages_render_right_to_left(live_server, page: Page):
    for public in public_pages(["ar"]):
        if public.language is None:
            continue
        page.goto(live_server.url + public.path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl", public


def test_english_pages_render_left_to_right(live_server, page: Page):
    page.goto(f"{live_server.url}/en/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "ltr"


def test_the_language_switcher_keeps_the_page_and_sets_no_cookie(live_server, context: BrowserContext, page: Page):
    page.goto(f"{live_server.url}/en/")
    page.locator("footer").get_by_role("link", name="What we keep and why").click()
    expect(page).to_have_url(f"{live_server.url}/en/privacy/")
    expect(language_link(page, "en")).to_have_attribute("aria-current", "true")

    language_link(page, "fr").click()
    expect(page).to_have_url(f"{live_server.url}/fr/privacy/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    language_link(page, "ar").click()
    expect(page).to_have_url(f"{live_server.url}/ar/privacy/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    assert context.cookies() == []
