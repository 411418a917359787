"""The case page's next steps: notes, tasks, the protection path, closing; bad input keeps what was typed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from harbour.cases import actions
from harbour.cases.models import Case, Milestone, Note, Task
from harbour.core.models import AuditEntry
from harbour.testing import AssertNumQueries, Cast, assert_queries_do_not_grow, signed_in

pytestmark = pytest.mark.django_db


def _case(cast: Cast) -> Case:
    return actions.open_case(
        by=cast.bob, consent=actions.ConsentGiven("open_case", ("case", "needs")), summary="Needs a lawyer"
    )


def _page(client: Client, case: Case) -> str:
    response = client.get(reverse("cases:case_detail", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_leads_a_writer_to_every_next_step(cast: Cast) -> None:
    case = _case(cast)
    page = _page(signed_in(cast.bob), case)
    for name in (
        "note_new",
        "task_new",
        "milestone_new",
        "referral_new",
        "case_print",
        "case_export",
        "case_close",
        "case_erase",
    ):
        assert reverse(f"cases:{name}", args=[case.reference]) in page, name
    for purpose in ("refer", "contact", "statistics"):
        assert reverse("cases:consent_new", args=[case.reference, purpose]) in page
    # A hotline operator reads the case but changes nothing: no links to pages that would refuse.
    operator = _page(signed_in(cast.hana), case)
    assert reverse("cases:note_new", args=[case.reference]) not in operator
    assert reverse("cases:case_close", args=[case.reference]) not in operator


def test_a_note_is_saved_encrypted_and_shown_on_the_case_page(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    response = bob.post(reverse("cases:note_new", args=[case.reference]), {"text": "Met at the clinic on Tuesday"})
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    assert "Met at the clinic on Tuesday" in _page(bob, case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_note")
        (stored,) = cursor.fetchone()
    assert "clinic" not in stored
    assert AuditEntry.objects.filter(record_type="cases.note", action=AuditEntry.Action.CREATE).count() == 1


def test_an_empty_note_is_refused_with_a_message(cast: Cast) -> None:
    case = _case(cast)
    response = signed_in(cast.bob).post(reverse("cases:note_new", args=[case.reference]), {"text": "  \n "})
    assert response.status_code == 400
    assert "Write the note before saving it." in response.content.decode()
    assert Note.system_objects.count() == 0


def test_a_task_has_a_due_date_and_an_owner_from_the_organisations_case_staff(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    form = bob.get(reverse("cases:task_new", args=[case.reference])).content.decode()
    for member in (cast.alice, cast.bob, cast.hana):
        assert f'value="{member.pk}"' in form
    for member in (cast.carol, cast.lee, cast.cora):
        assert f'value="{member.pk}"' not in form
    assert f'value="{cast.bob.pk}" selected' in form  # the worker's own name comes first chosen
    due = timezone.localdate() + timedelta(days=3)
    posted = {"title": "Book the interpreter", "due_on": due.isoformat(), "owner": cast.alice.pk}
    assert bob.post(reverse("cases:task_new", args=[case.reference]), posted).status_code == 302
    task = Task.system_objects.get()
    assert (task.title, task.due_on, task.owner) == ("Book the interpreter", due, cast.alice)
    assert "Book the interpreter" in _page(bob, case)


@pytest.mark.parametrize("due_on", ["2026-02-30", "next tuesday", "0001-01-01", "9999-12-31", ""])
def test_a_task_with_a_bad_date_is_refused_keeping_what_was_typed(cast: Cast, due_on: str) -> None:
    case = _case(cast)
    posted = {"title": "Call the shelter back", "due_on": due_on, "owner": cast.bob.pk}
    response = signed_in(cast.bob).post(reverse("cases:task_new", args=[case.reference]), posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Call the shelter back"' in page
    assert "Enter a valid date." in page or "Enter a date between" in page or "This field is required." in page
    assert Task.system_objects.count() == 0


def test_a_task_for_someone_at_another_organisation_is_refused(cast: Cast) -> None:
    case = _case(cast)
    posted = {"title": "Call", "due_on": "2030-01-01", "owner": cast.carol.pk}
    response = signed_in(cast.bob).post(reverse("cases:task_new", args=[case.reference]), posted)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert Task.system_objects.count() == 0


def test_a_task_is_marked_done_and_only_on_its_own_case(cast: Cast) -> None:
    case, other = _case(cast), _case(cast)
    task = actions.task_add(by=cast.bob, case=case, title="Call", due_on=date(2030, 1, 1), owner=cast.bob)
    bob = signed_in(cast.bob)
    assert bob.post(reverse("cases:task_done", args=[other.reference, task.pk])).status_code == 404
    assert bob.post(reverse("cases:task_done", args=[case.reference, task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert "Mark as done" not in _page(bob, case)
    assert signed_in(cast.carol).post(reverse("cases:task_done", args=[case.reference, task.pk])).status_code == 404


def test_a_trp_with_an_expiry_gets_its_renewal_reminder_90_days_before(cast: Cast) -> None:
    case = _case(cast)
    posted = {"kind": "trp_issued", "happened_on": "2026-03-01", "expires_on": "2026-08-28"}
    response = signed_in(cast.bob).post(reverse("cases:milestone_new", args=[case.reference]), posted, follow=True)
    step = Milestone.system_objects.get()
    assert step.remind_on == date(2026, 8, 28) - timedelta(days=90) == date(2026, 5, 30)
    page = response.content.decode()
    assert "Its renewal shows on the home page from 2026-05-30." in page
    assert "Temporary Resident Permit (victims of trafficking): issued" in page and "expires 2026-08-28" in page


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"kind": "trp_issued", "happened_on": "2026-03-01", "expires_on": "2026-02-01"}, "comes after the date"),
        ({"kind": "hc", "happened_on": "2026-03-01", "expires_on": "2027-03-01"}, "This step has no expiry date"),
        ({"kind": "work_permit", "happened_on": "2026-03-01", "expires_on": "0001-02-01"}, "Enter a date between"),
        ({"kind": "work_permit", "happened_on": "2026-31-01"}, "Enter a valid date."),
        ({"kind": "testimony", "happened_on": "2026-03-01"}, "Select a valid choice"),
    ],
)
def test_a_protection_step_with_impossible_dates_is_refused_keeping_them(
    cast: Cast, posted: dict[str, str], message: str
) -> None:
    case = _case(cast)
    response = signed_in(cast.bob).post(reverse("cases:milestone_new", args=[case.reference]), posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{posted["happened_on"]}"' in page
    assert Milestone.system_objects.count() == 0


def test_closing_records_the_reason_and_ends_the_work_on_the_case(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    close = reverse("cases:case_close", args=[case.reference])
    refused = bob.post(close, {})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert bob.post(close, {"reason": "goals_met"}).status_code == 302
    case.refresh_from_db()
    assert case.is_closed and case.closure_reason == "goals_met"
    page = _page(bob, case)
    assert "The person&#x27;s goals were met" in page
    assert reverse("cases:note_new", args=[case.reference]) not in page
    assert reverse("cases:case_print", args=[case.reference]) in page
    # Nothing more is added to a closed case, and it is not closed twice.
    refused_note = bob.post(reverse("cases:note_new", args=[case.reference]), {"text": "late"}, follow=True)
    assert "is closed: nothing more can be added" in refused_note.content.decode()
    assert Note.system_objects.count() == 0
    again = bob.post(close, {"reason": "other"}, follow=True)
    assert "is already closed" in again.content.decode()
    case.refresh_from_db()
    assert case.closure_reason == "goals_met"


def test_bad_input_is_told_in_the_workers_language(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    with translation.override("fr"):
        task_url = reverse("cases:task_new", args=[case.reference])
        milestone_url = reverse("cases:milestone_new", args=[case.reference])
    assert task_url.startswith("/fr/")
    response = bob.post(task_url, {"title": "Appeler", "due_on": "2026-02-30", "owner": cast.bob.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Saisissez une date valide." in page and 'value="Appeler"' in page
    page = bob.post(
        milestone_url, {"kind": "hc", "happened_on": "2026-03-01", "expires_on": "2027-03-01"}
    ).content.decode()
    assert "Cette étape n&#x27;a pas de date d&#x27;expiration" in page


def test_the_case_page_makes_as_many_queries_with_many_notes_tasks_and_steps(
    cast: Cast, django_assert_num_queries: AssertNumQueries
) -> None:
    case = _case(cast)

    def add(count: int) -> None:
        for index in range(count):
            actions.note_add(by=cast.bob, case=case, text=f"note {index}")
            owner = (cast.bob, cast.alice)[index % 2]
            actions.task_add(by=cast.bob, case=case, title=f"task {index}", due_on=date(2030, 1, 1), owner=owner)
            actions.milestone_add(
                by=cast.bob, case=case, kind="work_permit", happened_on=date(2026, 1, 1), expires_on=date(2027, 1, 1)
            )

    url = reverse("cases:case_detail", args=[case.reference])
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), url, add)
