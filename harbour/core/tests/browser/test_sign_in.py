"""The sign-in path a member walks: email and password, then a code, or setting up an authenticator first."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from harbour.core.tests.browser.harness import axe_violations
from harbour.network.models import Member
from harbour.testing import CAST_PASSWORD, CAST_TOTP_SECRET, make_cast

pytestmark = pytest.mark.browser


def sign_in_with_password(page: Page, base_url: str, member: Member) -> None:
    page.goto(f"{base_url}/en/sign-in/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(CAST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def a_wrong_code(secret: str) -> str:
    """A code that the server refuses: not the current one, nor either neighbour it forgives for clock drift."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    accepted = {totp.at(now + drift) for drift in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def test_a_case_worker_signs_in_with_password_and_code(live_server, page: Page):
    bob = make_cast().bob
    sign_in_with_password(page, live_server.url, bob)
    expect(page).to_have_url(f"{live_server.url}/en/sign-in/code/")

    code = page.get_by_label("Six-digit code from your authenticator app")
    code.fill(a_wrong_code(CAST_TOTP_SECRET))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/en/sign-in/code/")
    expect(page.get_by_text("That code is not right")).to_be_visible()
    assert axe_violations(page) == []

    code.fill(pyotp.TOTP(CAST_TOTP_SECRET).now())
    with page.expect_response(f"{live_server.url}/en/members/") as members_home:
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/en/members/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "no-store" in members_home.value.headers["cache-control"]


def test_a_member_who_needs_two_factor_sets_it_up_before_getting_in(live_server, page: Page):
    bob = make_cast().bob
    bob.totp_secret = None
    bob.save(update_fields=["totp_secret"])
    sign_in_with_password(page, live_server.url, bob)
    expect(page).to_have_url(f"{live_server.url}/en/sign-in/set-up-code/")

    # The QR code is drawn in the page itself: no image request could leak the secret.
    expect(page.locator("figure.qr > svg")).to_be_visible()
    key = page.locator("figure.qr code.secret").inner_text().strip()
    assert len(key) >= 16
    assert axe_violations(page) == []

    page.get_by_label("Six-digit code from your authenticator app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page).to_have_url(f"{live_server.url}/en/members/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    bob.refresh_from_db()
    assert bob.totp_secret == key
