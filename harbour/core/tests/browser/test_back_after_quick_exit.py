"""After a quick exit, Back never shows anything the person typed or chose, on any public page with a form.

Chromium here runs with its back-forward cache on (Playwright turns it off by default), with and
without JavaScript. With JavaScript, pages the cache brings back empty their forms or go on to the
neutral site (harbour.js). Without it, Chromium 156 brings back pages sent with `no-store` as they
were left, so the quick exit goes through Harbour's `/leave` (core/views.py): its cookie change
makes Chromium drop them, and it deletes the CSRF cookie, so a form sent again is refused and a
search's sealed answers open nowhere (core/sealed_query.py). The control below shows what Back
does without `/leave`, so this walk can fail.

Every public page with a form is found from the URL configuration; each form
is filled with marker values (every text box typed in, every choice ticked), then the person
either leaves at once or first sends the form (the self-check's result, the directory's answer),
presses the quick exit, and presses Back. Whatever page Back shows may hold none of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from harbour.core.tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    public_pages,
    quick_exit_origin,
    serve_neutral_site,
)

pytestmark = pytest.mark.browser

MARKER = "MarkerTyped7q"
NEUTRAL_SITE = re.compile(re.escape(quick_exit_origin()))

# What the person did on the page: typed or ticked, and whether Back finds it again.
LEFT_BEHIND = """() => {
  const found = [];
  for (const field of document.querySelectorAll("input, textarea, select")) {
    if (field.type === "hidden") {
      if (field.value.includes("MARKER")) found.push("hidden " + field.name);
      continue;
    }
    if ((field.type === "checkbox" || field.type === "radio") && field.checked !== field.defaultChecked) {
      found.push("ticked " + field.name + "=" + field.value);
    } else if (field.value && field.value.includes("MARKER")) {
      found.push("typed in " + field.name);
    }
  }
  if (document.body && document.body.innerText.includes("MARKER")) found.push("in the page's text");
  return found;
}""".replace("MARKER", MARKER)

FILL = """() => {
  const seen = new Set();
  for (const form of document.querySelectorAll("main form")) {
    for (const field of form.querySelectorAll("input, textarea")) {
      if (field.type === "checkbox") { field.checked = true; continue; }
      if (field.type === "radio") {
        // The first choice of each question that is not already the one ticked.
        if (!seen.has(field.name) && !field.checked) { field.checked = true; seen.add(field.name); }
        continue;
      }
      const typed = ["text", "search", "email", "tel", "number", "password", ""];
      if (typed.includes(field.type) || field.tagName === "TEXTAREA") {
        field.value = field.type === "email" ? "MARKER@example.org" : (field.type === "number" ? "7" : "MARKER");
      }
    }
  }
  return document.querySelectorAll("main form").length;
}""".replace("MARKER", MARKER)


@pytest.fixture(scope="module")
def bfcache_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium as people have it: with the back-forward cache that Playwright normally turns off."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, ignore_default_args=["--disable-back-forward-cache"]
    )
    yield browser
    browser.close()


def _form_pages() -> list[str]:
    # The layout's own forms (sign-out) are for members; public pages with a form of their own:
    return [page.path for page in public_pages(["en"]) if page.language]


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
def person(request: pytest.FixtureRequest, bfcache_browser: Browser) -> Iterator[BrowserContext]:
    context = bfcache_browser.new_context(locale="en-CA", java_script_enabled=request.param)
    context.set_default_timeout(10_000)
    serve_neutral_site(context)
    yield context
    context.close()


def _leave_and_come_back(page: Page) -> list[str]:
    page.locator("#quick-exit").click()
    expect(page).to_have_url(NEUTRAL_SITE)
    # A page restored from the back-forward cache fires no "load": wait for the navigation only.
    page.go_back(wait_until="commit")
    page.wait_for_timeout(300)
    if "harbour" not in page.title().lower() and not page.url.startswith("http://localhost"):
        return []
    found: list[str] = page.evaluate(LEFT_BEHIND)
    return [f"{page.url}: {what}" for what in found]


@pytest.mark.parametrize("send", [False, True], ids=["leaving at once", "after sending the form"])
def test_back_after_a_quick_exit_shows_nothing_typed_or_chosen(live_server, person: BrowserContext, send: bool):
    failures = []
    walked = 0
    for path in _form_pages():
        page = person.new_page()
        page.goto(f"{live_server.url}{path}")
        if page.locator("main form").count() == 0:
            page.close()
            continue
        walked += 1
        page.evaluate(FILL)
        if send:
            button = page.locator("main form button[type=submit], main form input[type=submit]").first
            with page.expect_navigation():
                button.click()
            page.evaluate(FILL)  # the next step (a result page may hold a form too)
        failures += _leave_and_come_back(page)
        page.close()
    assert walked >= 5, f"only {walked} public pages with a form were found"
    assert not failures, "Back showed what the person did:\n" + "\n".join(failures)


def test_without_leave_back_shows_the_page_as_it_was_left(live_server, bfcache_browser: Browser):
    """The control: leaving straight for the neutral site (as the quick exit once did), Back brings the answers back."""
    context = bfcache_browser.new_context(locale="en-CA", java_script_enabled=False)
    context.set_default_timeout(10_000)
    serve_neutral_site(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/directory/")
    page.evaluate(FILL)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.evaluate(FILL)
    # What the link did before `/leave`: straight to the neutral site.
    page.goto(page.locator("#quick-exit").get_attribute("data-to") or "")
    expect(page).to_have_url(NEUTRAL_SITE)
    page.go_back(wait_until="commit")
    page.wait_for_timeout(300)
    restored = page.evaluate("() => performance.getEntriesByType('navigation')[0].type")
    found: list[str] = page.evaluate(LEFT_BEHIND)
    context.close()
    # The page came back from the back-forward cache (it was not fetched again), with the answers.
    assert restored == "navigate"
    assert "typed in place" in found and "typed in q" in found
