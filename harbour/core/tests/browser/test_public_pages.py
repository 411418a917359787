"""Every public page, in every language: nothing from another host, usable without JavaScript, no cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, Request, Response

from harbour.core.tests.browser.harness import (
    LANGUAGE_CODES,
    PublicPage,
    harbour_origin,
    public_pages,
    public_pages_with_parameters,
)
from harbour.testing import make_cast

pytestmark = pytest.mark.browser


def every_public_page() -> list[PublicPage]:
    """Public pages for people (under a language prefix), including real invitation and reset links."""
    return [page for page in public_pages() if page.language] + public_pages_with_parameters(make_cast())


def test_discovery_finds_the_public_pages_in_every_language_and_no_member_page():
    found = {(page.name, page.language): page.path for page in public_pages()}
    for language in LANGUAGE_CODES:
        assert found[("home", language)] == f"/{language}/"
        assert found[("privacy", language)] == f"/{language}/privacy/"
        assert found[("network:sign_in", language)] == f"/{language}/sign-in/"
    names = {name for name, _language in found}
    assert not names & {"network:dashboard", "network:sign_out", "cases:case_list"}


def test_public_urls_outside_a_language_prefix_are_not_pages_for_people(live_server, page: Page):
    """Such URLs escape the per-language checks below, so they must be machine endpoints, not HTML."""
    for public in public_pages():
        if public.name == "leave":
            # The quick exit without JavaScript: a redirect on to the neutral site, with nothing to read.
            response = page.request.get(live_server.url + public.path, max_redirects=0)
            assert response.status == 303 and response.headers["location"] == settings.HARBOUR_QUICK_EXIT_URL
            assert not response.body()
        elif public.language is None:
            response = page.request.get(live_server.url + public.path)
            assert response.ok, public
            assert not response.headers["content-type"].startswith("text/html"), public


def test_no_public_page_asks_another_host_or_sets_a_cookie_but_a_forms_csrf_token(live_server, context, page: Page):
    """One walk with JavaScript on, for two properties of every page: each page load in headless Chromium costs time.

    Nothing from another host: every request goes to Harbour, and nothing it asks for fails.
    No cookie: reading a page leaves nothing behind; only a form that posts needs a cookie, for its CSRF token.
    Each problem names the page and the property it breaks.
    """
    origin = harbour_origin(live_server)
    requests: list[Request] = []
    failures: list[Response] = []
    page.on("request", lambda request: requests.append(request))
    page.on("response", lambda response: failures.append(response) if response.status >= 400 else None)
    problems = []
    for public in every_public_page():
        requests.clear()
        failures.clear()
        context.clear_cookies()
        response = page.goto(live_server.url + public.path)
        assert response is not None
        if response.status != 200:
            problems.append(f"{public}: status {response.status}")
        problems += [f"{public}: other host: asked {r.url}" for r in requests if not r.url.startswith(origin + "/")]
        problems += [f"{public}: other host: {r.url} answered {r.status}" for r in failures]
        allowed = {settings.CSRF_COOKIE_NAME} if page.locator("form[method=post]").count() else set()
        cookies = {cookie["name"] for cookie in context.cookies()}
        if cookies - allowed:
            problems.append(f"{public}: cookie: sets {sorted(cookies - allowed)}")
    assert not problems, "\n".join(problems)


def test_every_public_page_works_without_javascript(live_server, no_script_context):
    page = no_script_context.new_page()
    origin = harbour_origin(live_server)
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    problems = []
    for public in every_public_page():
        requests.clear()
        response = page.goto(live_server.url + public.path)
        assert response is not None
        if response.status != 200:
            problems.append(f"{public}: status {response.status}")
        exit_links = page.locator("a#quick-exit")
        if exit_links.count() != 1 or exit_links.get_attribute("href") != reverse("leave"):
            problems.append(f"{public}: no quick exit link to {reverse('leave')}")
        problems += [f"{public}: asked {r.url}" for r in requests if not r.url.startswith(origin + "/")]
    assert not problems, "\n".join(problems)
