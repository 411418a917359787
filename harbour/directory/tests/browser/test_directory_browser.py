"""The paths people walk in the directory, in real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from harbour.core.tests.browser.harness import axe_violations
from harbour.directory import places
from harbour.directory.models import Service
from harbour.directory.tests.factories import service_make
from harbour.network.models import Member
from harbour.testing import CAST_PASSWORD, CAST_TOTP_SECRET, make_cast

pytestmark = pytest.mark.browser

SECRET_STREET = "77 Hidden Orchard Lane"
INTAKE = "+1 416 555 0142"


def shelter_and_clinic(organisation: object = None) -> Service:
    service_make(
        name="Downtown legal clinic",
        needs=["legal-aid"],
        point=places.Point(43.6500, -79.3800),
        hours=("MO,TU,WE,TH,FR", "09:00:00", "17:00:00"),
    )
    return service_make(
        name="Harbour House safe beds",
        organisation=organisation,  # type: ignore[arg-type]
        needs=["shelter"],
        populations=["women"],
        confidential=True,
        point=places.Point(43.6426, -79.3871),
        street=SECRET_STREET,
        phone=INTAKE,
        always_open=True,
        status_safe=True,
    )


def test_the_public_search_works_without_javascript(live_server, no_script_context: BrowserContext):
    shelter_and_clinic()
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/en/directory/")
    # The "near me" button needs the script: without it, it stays hidden.
    expect(page.locator("#near-me")).to_be_hidden()
    page.get_by_label("Postal code or city").fill("M5V 2T6")
    page.get_by_label("A safe place to stay").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile(r"^1 service found"))).to_be_visible()
    expect(page.get_by_role("link", name="Harbour House safe beds")).to_be_visible()
    expect(page.get_by_text("Call for location")).to_be_visible()
    expect(page.get_by_role("link", name=INTAKE)).to_be_visible()
    expect(page.get_by_text("Open 24 hours, every day")).to_be_visible()
    assert SECRET_STREET not in page.content()
    # What was typed and chosen stays in the form.
    expect(page.get_by_label("Postal code or city")).to_have_value("M5V 2T6")
    expect(page.get_by_label("A safe place to stay")).to_be_checked()
    page.get_by_role("link", name="Harbour House safe beds").click()
    expect(page.get_by_role("heading", level=1, name="Harbour House safe beds")).to_be_visible()
    assert SECRET_STREET not in page.content()


def test_search_results_and_service_pages_are_accessible_in_english_and_arabic(live_server, page: Page):
    shelter = shelter_and_clinic()
    for language in ("en", "ar"):
        page.goto(f"{live_server.url}/{language}/directory/?place=Toronto&need=shelter&need=legal-aid")
        assert page.locator("ol.result-list > li").count() == 2
        assert axe_violations(page) == [], language
        page.goto(f"{live_server.url}/{language}/directory/?place=Atlantis")
        assert axe_violations(page) == [], language
        page.goto(f"{live_server.url}/{language}/directory/services/{shelter.id}/")
        assert axe_violations(page) == [], language


@pytest.fixture
def located_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        locale="en-CA", geolocation={"latitude": 43.6426, "longitude": -79.3871}, permissions=["geolocation"]
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_near_me_asks_the_browser_only_on_a_click(live_server, located_context: BrowserContext):
    shelter_and_clinic()
    page = located_context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/en/directory/")
    assert "lat=" not in page.url
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(re.compile(r"\?a="))
    expect(page.get_by_role("heading", name=re.compile(r"^2 services found"))).to_be_visible()
    # Sent rounded to about a kilometre, then sealed out of the address (core/sealed_query.py).
    assert any("lat=43.64" in url and "lon=-79.39" in url for url in requests)
    assert "lat=" not in page.url
    assert all(url.startswith(live_server.url) for url in requests)


def sign_in(page: Page, base_url: str, member: Member) -> None:
    page.goto(f"{base_url}/en/sign-in/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(CAST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code from your authenticator app").fill(pyotp.TOTP(CAST_TOTP_SECRET).now())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base_url}/en/members/")


def test_a_hotline_operator_finds_the_nearest_shelter_by_keyboard_alone(live_server, page: Page):
    cast = make_cast()
    shelter_and_clinic(cast.harbour_house)
    sign_in(page, live_server.url, cast.hana)
    page.goto(f"{live_server.url}/en/members/directory/hotline/")
    # The need field has the focus: type, Tab, type, Enter.
    assert page.evaluate("document.activeElement.id") == "id_need"
    page.keyboard.type("safe place")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_place"
    page.keyboard.type("M5V")
    page.keyboard.press("Enter")
    row = page.get_by_role("row", name=re.compile("Harbour House safe beds"))
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name=INTAKE)).to_be_visible()
    expect(row.get_by_text("24/7")).to_be_visible()
    # Members see the confidential address (each showing is audited).
    expect(row.get_by_text(SECRET_STREET, exact=False)).to_be_visible()
    assert page.get_by_role("row", name=re.compile("Downtown legal clinic")).count() == 0
    assert axe_violations(page) == []


def test_a_shelter_posts_its_beds_in_two_taps(live_server, page: Page):
    cast = make_cast()
    shelter_and_clinic(cast.harbour_house)
    sign_in(page, live_server.url, cast.bob)
    page.goto(f"{live_server.url}/en/members/directory/beds/")  # tap one: open the page
    page.get_by_role("button", name="3", exact=True).click()  # tap two: the number
    expect(page.get_by_text(re.compile("Saved: 3 places"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"3 places \(updated"))).to_be_visible()
    assert axe_violations(page) == []
