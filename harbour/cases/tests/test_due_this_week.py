"""A member's home shows what is due this week on their organisation's cases: tasks and permit renewals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.models import Case
from harbour.core.models import AuditEntry
from harbour.network.models import Member
from harbour.testing import AssertNumQueries, Cast, assert_queries_do_not_grow, signed_in

pytestmark = pytest.mark.django_db


def _case(by: Member, summary: str = "Needs a lawyer") -> Case:
    return actions.open_case(by=by, consent=actions.CASE_CONSENT, summary=summary)


def _home(member: Member) -> str:
    response = signed_in(member).get(reverse("network:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_this_weeks_and_overdue_tasks_show_on_the_home_page_and_nothing_later_or_done(cast: Cast) -> None:
    today = timezone.localdate()
    case = _case(cast.bob)
    for title, days in (("Call the clinic", 3), ("Send the form", -2), ("Next month's visit", 30)):
        actions.task_add(by=cast.bob, case=case, title=title, due_on=today + timedelta(days=days), owner=cast.alice)
    done = actions.task_add(by=cast.bob, case=case, title="Already done", due_on=today, owner=cast.bob)
    actions.task_done(by=cast.bob, task=done)
    page = _home(cast.bob)
    assert "Due this week" in page
    assert "Call the clinic" in page and "Send the form" in page and "overdue" in page
    assert "Next month&#x27;s visit" not in page and "Already done" not in page
    assert reverse("cases:case_detail", args=[case.reference]) in page
    assert AuditEntry.objects.filter(record_type="cases.task", record_id="due-this-week").exists()


def test_a_task_owned_by_the_reader_says_so(cast: Cast) -> None:
    actions.task_add(by=cast.bob, case=_case(cast.bob), title="Mine", due_on=timezone.localdate(), owner=cast.bob)
    assert "<td>you</td>" in _home(cast.bob)
    assert "<td>Bob</td>" in _home(cast.alice)


def test_a_trp_renewal_shows_from_its_reminder_until_it_is_renewed(cast: Cast) -> None:
    today = timezone.localdate()
    case = _case(cast.bob)
    actions.milestone_add(
        by=cast.bob,
        case=case,
        kind="trp_issued",
        happened_on=today - timedelta(days=200),
        expires_on=today + timedelta(days=88),
    )
    # A work permit whose reminder is still a month away is not due yet.
    actions.milestone_add(
        by=cast.bob, case=case, kind="work_permit", happened_on=today, expires_on=today + timedelta(days=130)
    )
    page = _home(cast.bob)
    assert "Renewals of the protection path" in page
    assert "Temporary Resident Permit (victims of trafficking): issued" in page and "start the renewal now" in page
    assert "Work permit" not in page
    # The renewal application is recorded: the reminder has done its work.
    actions.milestone_add(by=cast.bob, case=case, kind="trp_applied", happened_on=today)
    assert "Renewals of the protection path" not in _home(cast.bob)


def test_an_expired_permit_without_renewal_stays_on_the_home_page(cast: Cast) -> None:
    today = timezone.localdate()
    actions.milestone_add(
        by=cast.bob,
        case=_case(cast.bob),
        kind="ifh",
        happened_on=date(2025, 1, 1),
        expires_on=today - timedelta(days=1),
    )
    assert "expired on" in _home(cast.bob)


def test_other_organisations_and_closed_cases_show_nothing(cast: Cast) -> None:
    today = timezone.localdate()
    ours = _case(cast.bob)
    actions.task_add(by=cast.bob, case=ours, title="Closed case task", due_on=today, owner=cast.bob)
    actions.case_close(by=cast.bob, case=ours, reason="goals_met")
    theirs = _case(cast.carol)
    actions.task_add(by=cast.carol, case=theirs, title="Prairie task", due_on=today, owner=cast.carol)
    page = _home(cast.bob)
    assert "Closed case task" not in page and "Prairie task" not in page
    assert "Nothing is due this week" in page
    assert "Prairie task" in _home(cast.omar)


def test_liaisons_researchers_coordinators_and_unvetted_members_see_no_due_list(cast: Cast) -> None:
    actions.task_add(
        by=cast.bob, case=_case(cast.bob), title="Hidden errand", due_on=timezone.localdate(), owner=cast.bob
    )
    for member in (cast.lee, cast.rhea, cast.cora, cast.pat):
        page = _home(member)
        assert "Due this week" not in page and "Hidden errand" not in page, member.email


def test_the_home_page_makes_as_many_queries_with_many_tasks_and_renewals(
    cast: Cast, django_assert_num_queries: AssertNumQueries
) -> None:
    today = timezone.localdate()

    def add(count: int) -> None:
        for index in range(count):
            case = _case(cast.bob, f"case {index}")
            owner = (cast.bob, cast.alice, cast.hana)[index % 3]
            actions.task_add(by=cast.bob, case=case, title=f"task {index}", due_on=today, owner=owner)
            actions.milestone_add(
                by=cast.bob, case=case, kind="work_permit", happened_on=date(2025, 1, 1), expires_on=today
            )

    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), reverse("network:dashboard"), add)
