"""The hotline console in real headless Chromium, driven by the keyboard alone and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from harbour.core.tests.browser.harness import axe_violations
from harbour.directory import places
from harbour.directory.tests.browser.test_directory_browser import sign_in
from harbour.directory.tests.factories import service_make
from harbour.respond import actions
from harbour.respond.models import Call
from harbour.respond.tests.factories import group_make, plan_make
from harbour.testing import make_cast

pytestmark = pytest.mark.browser

INTAKE = "+1 416 555 0142"


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Presses Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_an_operator_goes_from_search_to_the_plan_to_the_call_log_by_keyboard_alone(
    live_server, no_script_context: BrowserContext
):
    cast = make_cast()
    service_make(
        name="Harbour House safe beds",
        organisation=cast.harbour_house,
        needs=["shelter"],
        point=places.Point(43.6426, -79.3871),
        phone=INTAKE,
        always_open=True,
    )
    toronto = group_make("Toronto", city="Toronto", province="ON", organisations=[cast.harbour_house])
    plan_make(
        group=toronto,
        by=cast.alice,
        steps=[
            actions.StepText(who="Child protection intake", situations=("child",)),
            actions.StepText(who="Adult shelter line", situations=("adult",)),
            actions.StepText(who="Interpreter line"),
        ],
    )
    page = no_script_context.new_page()
    sign_in(page, live_server.url, cast.hana)
    page.goto(f"{live_server.url}/en/members/respond/console/")
    expect(page.get_by_text("I will not call the police or immigration", exact=False)).to_be_visible()

    # Search: the need field has the focus; type, Tab, type, Enter.
    assert page.evaluate("document.activeElement.id") == "id_need"
    page.keyboard.type("safe place")
    page.keyboard.press("Tab")
    page.keyboard.type("M5V")
    page.keyboard.press("Enter")
    row = page.get_by_role("row", name=re.compile("Harbour House safe beds"))
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name=INTAKE)).to_be_visible()

    # The region's plan, for a child: Tab to the situation, choose with the arrows, Enter.
    tab_to(page, "#id_age")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#plan button[type=submit]")
    page.keyboard.press("Enter")
    plan = page.locator("#plan")
    expect(plan.get_by_text("Child protection intake")).to_be_visible()
    expect(plan.get_by_text("Interpreter line")).to_be_visible()
    expect(plan.get_by_text("Adult shelter line")).to_have_count(0)
    # The search is still there after choosing the situation.
    expect(page.get_by_role("row", name=re.compile("Harbour House safe beds"))).to_be_visible()

    # Log the call: a phone number in the note is refused and what was typed stays.
    tab_to(page, "#id_call-topic")
    page.keyboard.press("ArrowDown")  # Sexual exploitation
    tab_to(page, "#id_call-interpreter")
    page.keyboard.press("Space")
    tab_to(page, "#id_call-note")
    page.keyboard.type("Call her back on 416 555 0199")
    tab_to(page, "#call-log button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Leave out phone numbers", exact=False)).to_be_visible()
    assert page.locator("#id_call-note").input_value() == "Call her back on 416 555 0199"
    assert not Call.system_objects.exists()
    tab_to(page, "#id_call-note", backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("Works on a farm, no days off")
    tab_to(page, "#call-log button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("The call is logged", exact=False)).to_be_visible()
    call = Call.system_objects.get()
    assert (call.topic, call.interpreter, call.hour.minute) == ("sexual", True, 0)

    # On from the plan to a warm referral: without the consent box nothing goes, and what was typed stays.
    from harbour.cases.models import Consent, Referral

    page.keyboard.press("Alt+r")
    tab_to(page, "#id_ref-recipient")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_ref-summary")
    page.keyboard.type("Needs a safe place tonight")
    tab_to(page, "#referral button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("refer only when they agree", exact=False)).to_be_visible()
    assert page.locator("#id_ref-summary").input_value() == "Needs a safe place tonight"
    assert not Referral.system_objects.exists()
    tab_to(page, "#id_ref-agreed")
    page.keyboard.press("Space")
    tab_to(page, "#referral button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("The referral is sent to", exact=False)).to_be_visible()
    assert Referral.system_objects.count() == 1
    assert Consent.system_objects.filter(purpose=Consent.Purpose.REFER).count() == 1


def test_the_console_and_a_plan_have_no_accessibility_violations(live_server, page: Page):
    cast = make_cast()
    service_make(name="Harbour House safe beds", needs=["shelter"], point=places.Point(43.6426, -79.3871))
    toronto = group_make("Toronto", city="Toronto", province="ON", organisations=[cast.harbour_house])
    plan = plan_make(group=toronto, by=cast.alice)
    sign_in(page, live_server.url, cast.hana)
    page.goto(f"{live_server.url}/en/members/respond/console/?need=safe+place&place=M5V")
    expect(page.get_by_role("row", name=re.compile("Harbour House safe beds"))).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/fr/members/respond/plans/{plan.pk}/")
    expect(page.get_by_text("Ligne d'accueil du refuge")).to_be_visible()
    assert axe_violations(page) == []
