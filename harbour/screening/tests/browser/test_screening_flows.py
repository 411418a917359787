"""The paths people walk: the self-check without JavaScript, and a worker pausing and resuming a screening."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from harbour.core.tests.browser.harness import axe_violations
from harbour.core.tests.browser.test_sign_in import sign_in_with_password
from harbour.testing import CAST_TOTP_SECRET, make_cast

pytestmark = pytest.mark.browser


def _answer(page: Page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def test_the_self_check_works_end_to_end_without_javascript(live_server, no_script_context: BrowserContext):
    page = no_script_context.new_page()
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(f"{live_server.url}/en/self-check/")
    expect(page.get_by_role("heading", name="Check your situation")).to_be_visible()
    _answer(page, "Is the work, the place or the employer different from what you were promised?", "Yes")
    _answer(page, "Does someone else keep your passport, your identity card or your permit?", "Yes")
    _answer(page, "Has anyone threatened to hurt you or people close to you?", "Yes")
    _answer(page, "Did you come to Canada from another country for this work or this situation?", "Prefer not to say")
    page.get_by_role("button", name="See what this means").click()

    expect(page.get_by_role("heading", name="What your answers show")).to_be_visible()
    expect(page.get_by_text("Identity documents kept by someone else")).to_be_visible()
    expect(page.get_by_role("heading", name="Your rights")).to_be_visible()
    expect(page.get_by_role("heading", name="Safe ways to get help")).to_be_visible()
    assert page.url == f"{live_server.url}/en/self-check/"  # the answers went in the body, not the URL
    assert all("q_" not in request.url for request in requests)
    assert page.locator("a#quick-exit").count() == 1
    assert not no_script_context.cookies()

    page.get_by_role("button", name="Change my answers").click()
    group = page.get_by_role("group", name="Has anyone threatened to hurt you or people close to you?")
    expect(group.get_by_label("Yes", exact=True)).to_be_checked()


def test_the_self_check_result_is_accessible(live_server, page: Page):
    page.goto(f"{live_server.url}/fr/self-check/")
    assert axe_violations(page) == []
    _answer(page, "Quelqu'un vous a-t-il fait du mal, ou forcé·e à des actes sexuels ?", "Oui")
    page.get_by_role("button", name="Voir ce que cela veut dire").click()
    expect(page.get_by_role("heading", name="Ce que montrent vos réponses")).to_be_visible()
    assert axe_violations(page) == []


def _sign_in(page: Page, base_url: str) -> None:
    bob = make_cast().bob
    sign_in_with_password(page, base_url, bob)
    page.get_by_label("Six-digit code from your authenticator app").fill(pyotp.TOTP(CAST_TOTP_SECRET).now())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base_url}/en/members/")


def test_a_worker_pauses_a_screening_and_resumes_it_from_the_code(live_server, page: Page):
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/en/members/screening/")
    _answer(page, "Did someone offer you this work, or find you and bring you into it?", "Yes")
    _answer(page, "Has anyone hurt you, or forced you into sexual acts?", "Don't know")
    page.get_by_role("button", name="Debt and pay").click()
    _answer(page, "Is your pay given to someone else instead of to you?", "Yes")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Pause").click()

    expect(page.get_by_role("heading", name="Screening paused")).to_be_visible()
    code = page.locator("#resume-code").inner_text().strip()
    assert len(code) > 20
    page.goto(f"{live_server.url}/en/members/")  # the worker goes elsewhere; nothing is kept

    page.goto(f"{live_server.url}/en/members/screening/resume/")
    page.get_by_label("The code you were given when you paused").fill(code)
    page.get_by_role("button", name="Resume").click()
    offered = page.get_by_role("group", name="Did someone offer you this work, or find you and bring you into it?")
    expect(offered.get_by_label("Yes", exact=True)).to_be_checked()
    hurt = page.get_by_role("group", name="Has anyone hurt you, or forced you into sexual acts?")
    expect(hurt.get_by_label("Don't know", exact=True)).to_be_checked()
    paid = page.get_by_role("group", name="Is your pay given to someone else instead of to you?")
    expect(paid.get_by_label("Yes", exact=True)).to_be_checked()

    page.get_by_role("button", name="See the reading").click()
    expect(page.get_by_role("heading", name="How each definition reads the same answers")).to_be_visible()
    assert axe_violations(page) == []
