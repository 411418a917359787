"""The rights pages in a real browser: right to left in Arabic, readable offline once opened, erased on exit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Error, Page, expect

from harbour.core.tests.browser.harness import quick_exit_origin, serve_neutral_site

pytestmark = pytest.mark.browser

SHEET = "/en/rights/temporary-resident-permit/"


def test_an_arabic_fact_sheet_reads_right_to_left(live_server, rights_content, page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/ar/rights/temporary-resident-permit/")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    article = page.locator("article.fact-sheet")
    assert article.evaluate("(element) => getComputedStyle(element).direction") == "rtl"
    # Lines start at the right: each heading's text hugs the right edge of the article, far from its left.
    heading = page.locator("article.fact-sheet h2").first
    text_box = heading.evaluate(
        """(element) => { const range = document.createRange(); range.selectNodeContents(element);
                          const r = range.getBoundingClientRect(); return {left: r.left, right: r.right}; }"""
    )
    article_box = article.bounding_box()
    assert article_box is not None
    assert abs(article_box["x"] + article_box["width"] - text_box["right"]) < 2
    assert text_box["left"] - article_box["x"] > 20
    # List bullets sit on the right too.
    item = page.locator("article.fact-sheet li").first
    assert item.evaluate("(element) => getComputedStyle(element).direction") == "rtl"


def test_an_english_fallback_inside_an_arabic_page_reads_left_to_right(live_server, rights_content, page: Page) -> None:
    page.goto(f"{live_server.url}/ar/rights/child-protection/")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.locator("p.notice.fallback").is_visible()
    article = page.locator("article.fact-sheet")
    assert article.evaluate("(element) => getComputedStyle(element).direction") == "ltr"


def cached_urls(page: Page) -> list[str]:
    urls: list[str] = page.evaluate(
        """async () => { const urls = [];
            for (const name of await caches.keys()) {
              for (const request of await (await caches.open(name)).keys()) { urls.push(request.url); } }
            return urls; }"""
    )
    return urls


def open_controlled(page: Page, url: str) -> None:
    """Opens a page, and again once the offline worker controls it (the first visit installs the worker)."""
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    page.goto(url)


def test_a_fact_sheet_once_opened_stays_readable_offline(
    live_server, rights_content, context: BrowserContext, page: Page
) -> None:
    open_controlled(page, live_server.url + SHEET)
    page.goto(f"{live_server.url}/en/rights/library/")
    page.wait_for_function(
        "async (path) => (await caches.keys()).length > 0 && "
        "(await (await caches.open((await caches.keys())[0])).match(path)) !== undefined",
        arg=SHEET,
    )
    kept = cached_urls(page)
    assert live_server.url + SHEET in kept
    # Only the fact sheets opened: not the library, not another sheet.
    assert not any(url.endswith("/rights/library/") for url in kept), kept
    assert not any("emergency-help" in url for url in kept), kept

    context.set_offline(True)
    page.goto(live_server.url + SHEET)
    expect(page.locator("h1")).to_have_text(re.compile("A permit to stay in Canada"))
    # Its stylesheet came from the cache too.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.quick-exit')).display") == "block"
    with pytest.raises(Error):
        page.goto(f"{live_server.url}/en/rights/emergency-help/")
    context.set_offline(False)


def test_the_quick_exit_erases_the_pages_kept_offline(
    live_server, rights_content, context: BrowserContext, page: Page
) -> None:
    serve_neutral_site(context)
    open_controlled(page, live_server.url + SHEET)
    page.wait_for_function("async () => (await caches.keys()).length > 0")
    page.locator("#quick-exit").click()
    expect(page).to_have_url(re.compile(re.escape(quick_exit_origin())))
    page.goto(f"{live_server.url}/en/")
    assert page.evaluate("async () => (await caches.keys()).length") == 0
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0


def test_fact_sheets_work_without_javascript_and_keep_nothing(live_server, rights_content, no_script_context) -> None:
    page = no_script_context.new_page()
    response = page.goto(live_server.url + SHEET)
    assert response is not None and response.status == 200
    assert response.headers["cache-control"] == "no-store"
    expect(page.locator("h1")).to_have_text(re.compile("A permit to stay in Canada"))
    expect(page.locator("a", has_text="Download as PDF")).to_have_attribute("href", SHEET + "?format=pdf")


def test_a_fact_sheet_prints_without_the_site_around_it(live_server, rights_content, page: Page) -> None:
    page.goto(live_server.url + SHEET)
    page.emulate_media(media="print")
    for hidden in (".quick-exit-bar", ".site-header", ".site-footer", ".sheet-tools"):
        assert not page.locator(hidden).is_visible(), hidden
    for shown in ("article.fact-sheet", ".sheet-facts"):
        assert page.locator(shown).is_visible(), shown
    # Printed sources say where they lead.
    after = page.locator(".sources a").first.evaluate("(link) => getComputedStyle(link, '::after').content")
    assert "https://" in after
