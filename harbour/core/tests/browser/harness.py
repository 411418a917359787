"""Browser tests: one headless Chromium for the session, a fresh context per test, and every public page.

Public pages are discovered from the URL configuration rather than listed, so a
page added tomorrow is checked for third-party requests, accessibility and the
quick exit without anyone remembering to add it here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from django.conf import settings
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse, translate_url
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright
from pytest_django.live_server_helper import LiveServer

from harbour.core.access import policy_of
from harbour.core.roles import Role
from harbour.network import actions
from harbour.testing import Cast, app_access_tables

# Playwright's own browser download needs the internet; the system Chromium does not.
CHROMIUM = os.environ.get("HARBOUR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class PublicPage:
    """A public URL for one language; `language` is None for URLs outside the language prefix."""

    name: str
    language: str | None
    path: str

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True)
class _Route:
    name: str
    localized: bool
    has_parameters: bool
    public: bool


def _routes(
    patterns: list[Any], namespace: str = "", localized: bool = False, has_parameters: bool = False
) -> Iterator[_Route]:
    for entry in patterns:
        with_parameters = has_parameters or entry.pattern.regex.groups > 0
        if isinstance(entry, URLResolver):
            yield from _routes(
                entry.url_patterns,
                f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                localized or isinstance(entry.pattern, LocalePrefixPattern),
                with_parameters,
            )
        elif isinstance(entry, URLPattern):
            policy = policy_of(entry.callback)
            public = policy is not None and policy.is_public
            if public and not entry.name:
                raise AssertionError(f"the public view {entry.lookup_str} has no URL name; name it")
            yield _Route(f"{namespace}{entry.name}", localized, with_parameters, public)


def _public_routes() -> list[_Route]:
    return [route for route in _routes(get_resolver().url_patterns) if route.public]


def public_pages(languages: list[str] | None = None) -> list[PublicPage]:
    """Every public page without URL parameters, once per language (default: every language in settings)."""
    pages = []
    for route in _public_routes():
        if route.has_parameters:
            continue
        if not route.localized:
            pages.append(PublicPage(route.name, None, reverse(route.name)))
            continue
        for language in languages or LANGUAGE_CODES:
            with translation.override(language):
                pages.append(PublicPage(route.name, language, reverse(route.name)))
    return pages


def public_page_names_with_parameters() -> set[str]:
    """URL names of public pages that need parameters, such as an invitation token.

    Only pages for people, under a language prefix: public URLs outside it (the HSDS API's
    `/api/hsds/services/<id>`) are machine endpoints, as for the parameter-free ones.
    """
    return {route.name for route in _public_routes() if route.has_parameters and route.localized}


def _path_from_last_email() -> str:
    body = str(mail.outbox[-1].body)
    link = re.search(r"https?://\S+", body)
    assert link, body
    return urlsplit(link.group()).path


def public_pages_with_parameters(cast: Cast, languages: list[str] | None = None) -> list[PublicPage]:
    """Real links to the public pages that take parameters: an invitation and a password reset, made for the cast."""
    actions.invitation_send(
        by=cast.alice, organisation=cast.harbour_house, email="newcomer@cast.example", role=Role.CASE_WORKER
    )
    links = {"network:invitation_accept": _path_from_last_email()}
    actions.password_reset_send(email=cast.bob.email)
    links["network:password_reset_confirm"] = _path_from_last_email()
    # Other apps' public pages with parameters: the sample arguments of their access tables.
    with_parameters = public_page_names_with_parameters()
    for table in app_access_tables():
        samples = table.samples(cast) if hasattr(table, "samples") else {}
        for name, kwargs in samples.items():
            if name in with_parameters:
                links[name] = reverse(name, kwargs=kwargs)
    uncovered = with_parameters - links.keys()
    assert not uncovered, f"make a real link to {sorted(uncovered)} in public_pages_with_parameters"
    return [
        PublicPage(name, language, translate_url(path, language))
        for name, path in links.items()
        for language in languages or LANGUAGE_CODES
    ]


def harbour_origin(live_server: LiveServer) -> str:
    parts = urlsplit(live_server.url)
    return f"{parts.scheme}://{parts.netloc}"


def quick_exit_origin() -> str:
    parts = urlsplit(settings.HARBOUR_QUICK_EXIT_URL)
    return f"{parts.scheme}://{parts.netloc}"


def serve_neutral_site(context: BrowserContext) -> list[dict[str, str]]:
    """Answers for the quick exit's neutral site with a stub page; returns the headers of each request it gets."""
    received: list[dict[str, str]] = []

    def answer(route: Route) -> None:
        received.append(route.request.headers)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Weather</title><p>Sunny")

    context.route(f"{quick_exit_origin()}/**", answer)
    return received


def axe_violations(page: Page) -> list[str]:
    """Runs axe-core on the page and describes each violation as `rule-id: target, target`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern.
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        for violation in results["violations"]
    ]


def _static_files_through_whitenoise(application: Any) -> Any:
    return application


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, but with static files served by WhiteNoise from STATIC_ROOT, as in production.

    pytest-django's default handler looks files up in the apps' static folders, where
    the hashed names that the manifest storage writes into pages do not exist.
    """
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        pytest.fail("static files are not collected: run `manage.py collectstatic` (make test-browser does)")
    address = request.config.getvalue("liveserver") or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost")
    server = LiveServer(address, start=False)
    # Typed as a handler class, but the thread only calls it with the application to wrap.
    server.thread.static_handler = _static_files_through_whitenoise  # type: ignore[assignment]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop running in this thread, and Django
    # refuses ORM calls where a loop runs. The tests are synchronous, so this is safe
    # for as long as Playwright is alive, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as driver:
        yield driver
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="en-CA")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def no_script_context(browser: Browser) -> Iterator[BrowserContext]:
    """A context with JavaScript turned off, as on a phone where it is off or the script fails to load."""
    context = browser.new_context(locale="en-CA", java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context
    context.close()
