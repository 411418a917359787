"""A case worker's day in headless Chromium without JavaScript: note, task, permit, the home's due list, closing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from harbour.cases import actions
from harbour.cases.models import Case, Milestone, Note, Task
from harbour.core.tests.browser.harness import axe_violations
from harbour.directory.tests.browser.test_directory_browser import sign_in
from harbour.testing import make_cast

pytestmark = pytest.mark.browser


def test_a_worker_goes_from_the_case_page_through_a_note_a_task_and_a_permit_to_closing(
    live_server, no_script_context: BrowserContext
):
    cast = make_cast()
    case = actions.open_case(by=cast.bob, consent=actions.CASE_CONSENT, summary="Needs a lawyer")
    today = timezone.localdate()
    page = no_script_context.new_page()
    sign_in(page, live_server.url, cast.bob)
    page.goto(f"{live_server.url}/en/members/cases/{case.reference}/")
    expect(page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()

    page.get_by_role("link", name="Add a note").click()
    page.get_by_label("Note").fill("Met at the clinic; prefers mornings")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("The note is saved.")).to_be_visible()
    expect(page.get_by_text("Met at the clinic; prefers mornings")).to_be_visible()

    page.get_by_role("link", name="Add a task").click()
    page.get_by_label("What to do").fill("Book an interpreter")
    # A typing mistake first: the page says so and keeps what was typed.
    page.get_by_label("Due on").fill("2026-02-28")
    page.get_by_label("What to do").fill("")
    page.get_by_role("button", name="Add the task").click()
    expect(page.get_by_text("Say what is to be done.")).to_be_visible()
    expect(page.get_by_label("Due on")).to_have_value("2026-02-28")
    page.get_by_label("What to do").fill("Book an interpreter")
    page.get_by_label("Due on").fill((today + timedelta(days=2)).isoformat())
    page.get_by_label("Who does it").select_option(label="Bob (Case worker)")
    page.get_by_role("button", name="Add the task").click()
    expect(page.get_by_text("The task is added.")).to_be_visible()

    page.get_by_role("link", name=re.compile("Record a step of the protection path")).click()
    page.get_by_label("Step").select_option("trp_issued")
    page.get_by_label("Date (applied, issued or started)").fill((today - timedelta(days=100)).isoformat())
    expires = today + timedelta(days=60)
    page.get_by_label("Expires on (permits and coverage)").fill(expires.isoformat())
    page.get_by_role("button", name="Record the step").click()
    expect(page.get_by_text("Its renewal shows on the home page from")).to_be_visible()

    page.goto(f"{live_server.url}/en/members/")
    due = page.locator("section", has=page.get_by_role("heading", name="Due this week"))
    expect(due.get_by_role("row", name=re.compile("Book an interpreter"))).to_be_visible()
    expect(due.get_by_text(f"expires on {expires.isoformat()}; start the renewal now.")).to_be_visible()
    due.get_by_role("link", name=case.reference).first.click()

    page.get_by_role("link", name="Close the case").click()
    page.get_by_label("The person's goals were met").check()
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_text(f"Case {case.reference} is closed.")).to_be_visible()
    expect(page.get_by_role("link", name="Add a note")).to_have_count(0)
    page.goto(f"{live_server.url}/en/members/")
    expect(page.get_by_text("Nothing is due this week on your organisation's cases.")).to_be_visible()

    closed = Case.system_objects.get(pk=case.pk)
    assert closed.closure_reason == "goals_met"
    assert Note.system_objects.filter(case=case).count() == 1
    assert Task.system_objects.filter(case=case, owner=cast.bob).count() == 1
    assert Milestone.system_objects.get(case=case).remind_on == expires - timedelta(days=90)


def test_the_case_page_the_printable_copy_and_the_due_list_pass_axe(live_server, page: Page):
    cast = make_cast()
    case = actions.open_case(by=cast.bob, consent=actions.CASE_CONSENT, summary="Needs a lawyer")
    today = timezone.localdate()
    actions.note_add(by=cast.bob, case=case, text="A note")
    actions.task_add(by=cast.bob, case=case, title="A task", due_on=today, owner=cast.bob)
    actions.milestone_add(by=cast.bob, case=case, kind="ifh", happened_on=today, expires_on=today + timedelta(days=30))
    sign_in(page, live_server.url, cast.bob)
    for path in (f"cases/{case.reference}/", f"cases/{case.reference}/export/print/", ""):
        page.goto(f"{live_server.url}/en/members/{path}")
        assert axe_violations(page) == [], path
