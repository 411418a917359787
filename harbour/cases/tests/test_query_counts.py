"""The case list makes as many queries with 50 cases as with 1, whatever each case holds."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from harbour.cases.actions import CASE_CONSENT, case_open, milestone_add, note_add, task_add
from harbour.testing import AssertNumQueries, Cast, assert_queries_do_not_grow, signed_in


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["bob", "hana", "alice"])
def test_the_case_list(reader: str, cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for index in range(count):
            case_open(by=(cast.bob, cast.alice)[index % 2], summary=f"Needs a lawyer ({index})", consent=CASE_CONSENT)

    client = signed_in(getattr(cast, reader))
    assert_queries_do_not_grow(django_assert_num_queries, client, reverse("cases:case_list"), add)


@pytest.mark.django_db
def test_the_case_list_does_not_grow_with_the_cases_notes_tasks_and_steps(
    cast: Cast, django_assert_num_queries: AssertNumQueries
) -> None:
    def add(count: int) -> None:
        for index in range(count):
            case = case_open(by=cast.bob, summary=f"case {index}", consent=CASE_CONSENT)
            note_add(by=cast.bob, case=case, text="a note")
            task_add(by=cast.bob, case=case, title="a task", due_on=date(2030, 1, 1), owner=cast.bob)
            milestone_add(by=cast.bob, case=case, kind="ifh", happened_on=date(2026, 1, 1), expires_on=date(2027, 1, 1))

    client = signed_in(cast.bob)
    assert_queries_do_not_grow(django_assert_num_queries, client, reverse("cases:case_list"), add)


@pytest.mark.django_db
def test_a_case_page_makes_as_many_queries_with_many_cases_consents_and_notes(
    cast: Cast, django_assert_num_queries: AssertNumQueries
) -> None:
    from harbour.cases.actions import ConsentGiven, note_add, record_consent

    case = case_open(by=cast.bob, summary="the one we open", consent=CASE_CONSENT)
    client = signed_in(cast.bob)
    url = reverse("cases:case_detail", args=[case.reference])

    def add(count: int) -> None:
        for index in range(count):
            other = case_open(by=cast.bob, summary=f"another case ({index})", consent=CASE_CONSENT)
            note_add(by=cast.bob, case=other, text=f"note {index}")
            note_add(by=cast.bob, case=case, text=f"a note on this case {index}")
            record_consent(by=cast.bob, case=case, given=ConsentGiven("statistics", ("profile",)))

    assert_queries_do_not_grow(django_assert_num_queries, client, url, add)


@pytest.mark.django_db
def test_the_emergency_access_review_page(
    cast: Cast, django_assert_num_queries: AssertNumQueries, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harbour.cases import actions

    monkeypatch.setattr(actions, "EMERGENCY_REQUESTS_PER_DAY", 100)
    members = [cast.carol, cast.omar]

    def add(count: int) -> None:
        for index in range(count):
            case = case_open(by=cast.bob, summary=f"case {index}", consent=CASE_CONSENT)
            actions.emergency_access_request(
                by=members[index % 2], reference=case.reference, reason=f"An emergency at our clinic, number {index}"
            )

    client = signed_in(cast.alice)
    assert_queries_do_not_grow(django_assert_num_queries, client, reverse("cases:emergency_granted"), add)
