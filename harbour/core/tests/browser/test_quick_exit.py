"""The quick exit: a button or the Esc key leaves at once, and Back does not bring Harbour back."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from harbour.core.tests.browser.harness import quick_exit_origin, serve_neutral_site

pytestmark = pytest.mark.browser

NEUTRAL_SITE = re.compile(re.escape(quick_exit_origin()))


def test_the_quick_exit_button_leads_to_the_neutral_site_and_tells_it_nothing(
    live_server, context: BrowserContext, page: Page
):
    received = serve_neutral_site(context)
    page.goto(f"{live_server.url}/en/privacy/")
    page.locator("#quick-exit").click()
    expect(page).to_have_url(NEUTRAL_SITE)
    assert len(received) == 1
    assert "referer" not in received[0]


def test_pressing_escape_leads_to_the_neutral_site(live_server, context: BrowserContext, page: Page):
    serve_neutral_site(context)
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Escape")
    expect(page).to_have_url(NEUTRAL_SITE)


def test_back_after_a_quick_exit_does_not_return_to_harbour(live_server, context: BrowserContext, page: Page):
    serve_neutral_site(context)
    page.goto(f"{live_server.url}/en/")
    page.locator("footer").get_by_role("link", name="What we keep and why").click()
    expect(page).to_have_url(f"{live_server.url}/en/privacy/")
    page.locator("#quick-exit").click()
    expect(page).to_have_url(NEUTRAL_SITE)
    page.go_back()
    assert not page.url.startswith(live_server.url), f"Back returned to {page.url}"


def test_without_javascript_the_quick_exit_is_a_plain_link_to_the_neutral_site(live_server, no_script_context):
    received = serve_neutral_site(no_script_context)
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/en/")
    exit_link = page.locator("a#quick-exit")
    # Through Harbour's /leave, which sends the browser on (test_back_after_quick_exit.py says why).
    expect(exit_link).to_have_attribute("href", "/leave")
    expect(exit_link).to_have_attribute("data-to", settings.HARBOUR_QUICK_EXIT_URL)
    expect(exit_link).to_have_attribute("rel", re.compile(r"\bnoreferrer\b"))
    exit_link.click()
    expect(page).to_have_url(NEUTRAL_SITE)
    assert "referer" not in received[0]


def test_the_quick_exit_stays_on_screen_while_reading_on_a_small_phone(live_server, context: BrowserContext):
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 480})
    page.goto(f"{live_server.url}/en/privacy/")
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("() => window.scrollY") > 0, "the page is too short to scroll; use a longer one"
    box = page.locator("#quick-exit").bounding_box()
    assert box is not None
    assert box["y"] == 0
