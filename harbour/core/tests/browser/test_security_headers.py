"""Security headers as the browser receives and enforces them."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from harbour.core.tests.browser.harness import harbour_origin, public_pages

pytestmark = pytest.mark.browser

# Policies under which no other site ever learns which Harbour page a visitor came from.
# "same-origin" also keeps the real Origin header on Harbour's own form posts (see below).
REFERRER_POLICIES_THAT_TELL_NO_OTHER_SITE = {"no-referrer", "same-origin"}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name.lower()] = values
    return parsed


def test_public_pages_send_strict_security_headers(live_server, page: Page):
    problems = []
    for public in public_pages(["en"]):
        # Harbour's own answer is what is checked: the quick exit's redirect leads off Harbour.
        response = page.request.get(live_server.url + public.path, max_redirects=0)
        headers = response.headers
        csp = directives(headers.get("content-security-policy", ""))
        if not csp.get("script-src") or not csp.get("style-src"):
            problems.append(f"{public}: CSP has no script-src or style-src: {csp}")
        for name, values in csp.items():
            if "'unsafe-inline'" in values or "'unsafe-eval'" in values:
                problems.append(f"{public}: CSP {name} allows {values}")
        if csp.get("frame-ancestors") != ["'none'"]:
            problems.append(f"{public}: CSP frame-ancestors is {csp.get('frame-ancestors')}")
        if headers.get("referrer-policy") not in REFERRER_POLICIES_THAT_TELL_NO_OTHER_SITE:
            problems.append(f"{public}: Referrer-Policy is {headers.get('referrer-policy')}")
        if headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{public}: X-Content-Type-Options is {headers.get('x-content-type-options')}")
    assert not problems, "\n".join(problems)


def test_the_browser_refuses_a_script_injected_into_a_page(live_server, page: Page):
    page.goto(f"{live_server.url}/en/")
    ran = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", () => resolve(window.injected === true));
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.append(script);
            setTimeout(() => resolve(window.injected === true), 2000);
        })"""
    )
    assert ran is False


def test_no_other_site_can_frame_a_harbour_page(live_server, context: BrowserContext, page: Page):
    def framing_site(route: Route) -> None:
        route.fulfill(content_type="text/html", body=f'<!doctype html><iframe src="{live_server.url}/en/"></iframe>')

    context.route("https://framing.example/**", framing_site)
    page.goto("https://framing.example/")
    frame = page.locator("iframe").content_frame
    expect(frame.locator("body")).to_be_attached()
    assert frame.locator("#quick-exit").count() == 0


def test_a_form_on_a_public_page_posts_with_harbours_own_origin(live_server, page: Page):
    """Django refuses a post whose Origin header is not Harbour's; a referrer policy of
    "no-referrer" makes browsers send `Origin: null`, which would break every form."""
    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto(f"{live_server.url}/en/sign-in/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("not a real password")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in").click()
    origin = posts[0].headers.get("origin")
    assert origin == harbour_origin(live_server), f"the browser posted with Origin: {origin}"
    assert posted.value.status == 200, "the sign-in form was refused"
