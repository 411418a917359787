"""An organisation's administrator sets how long closed cases are kept; the page counts what the next run deletes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from harbour.cases import actions
from harbour.cases.models import Case, CaseRetention
from harbour.cases.retention_period import MAX_DAYS, MIN_DAYS, retention_set
from harbour.core.models import AuditEntry
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("cases:retention_settings")


def _closed_case(cast: Cast, *, days_ago: int, by: str = "bob") -> Case:
    worker = getattr(cast, by)
    case = actions.open_case(by=worker, consent=actions.CASE_CONSENT, summary="Anna, from the farm in Leamington")
    actions.case_close(by=worker, case=case, reason="goals_met")
    Case.system_objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return case


def test_the_page_shows_the_default_period_until_one_is_set(cast: Cast) -> None:
    response = signed_in(cast.alice).get(_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>7 years</strong> (2555 days)" in page
    assert "This is Harbour's default period." in page
    assert 'name="amount" value="7"' in page
    assert '<option value="years" selected>' in page


def test_the_administrator_sets_the_period_it_is_stored_in_days_shown_and_audited(cast: Cast) -> None:
    client = signed_in(cast.alice)
    response = client.post(_url(), {"amount": "18", "unit": "months"})
    assert response.status_code == 302 and response["Location"] == _url()
    assert CaseRetention.objects.get(organisation=cast.harbour_house).closed_case_days == 18 * 30
    assert not CaseRetention.objects.filter(organisation=cast.prairie_clinic).exists()
    entry = AuditEntry.objects.get(record_type="cases.caseretention")
    assert (entry.actor_id, entry.action) == (cast.alice.pk, AuditEntry.Action.UPDATE)
    assert (entry.organisation_id, entry.record_id) == (cast.harbour_house.pk, str(cast.harbour_house.pk))
    page = client.get(_url()).content.decode()
    assert "Closed cases are now kept for 18 months." in page
    assert "<strong>18 months</strong> (540 days)" in page
    assert "default period" not in page
    assert f"by {cast.alice.full_name}" in page
    # The change is in the organisation's audit log, where its administrator reads every entry.
    audit = client.get(reverse("network:organisation_audit")).content.decode()
    assert f"cases.caseretention #{cast.harbour_house.pk}" in audit


def test_setting_it_again_changes_the_one_setting_and_writes_one_entry_each_time(cast: Cast) -> None:
    client = signed_in(cast.alice)
    client.post(_url(), {"amount": "10", "unit": "years"})
    client.post(_url(), {"amount": "45", "unit": "days"})
    assert list(CaseRetention.objects.values_list("organisation_id", "closed_case_days")) == [
        (cast.harbour_house.pk, 45)
    ]
    assert AuditEntry.objects.filter(record_type="cases.caseretention").count() == 2
    assert "<strong>45 days</strong>" in client.get(_url()).content.decode()


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        ("0", "years", f"A closed case is kept at least {MIN_DAYS} days"),
        ("-5", "years", f"A closed case is kept at least {MIN_DAYS} days"),
        ("29", "days", f"A closed case is kept at least {MIN_DAYS} days"),
        ("abc", "years", "Write the period as a whole number, for example 7."),
        ("7.5", "years", "Write the period as a whole number, for example 7."),
        ("26", "years", "A closed case is kept at most 25 years"),
        ("305", "months", "A closed case is kept at most 25 years"),
        ("99999999999999999999999", "days", "A closed case is kept at most 25 years"),
        ("", "years", "Write how long closed cases are kept"),
        ("7", "weeks", "Choose years, months or days."),
    ],
)
def test_a_period_out_of_bounds_or_not_a_number_is_refused_keeping_what_was_typed(
    cast: Cast, amount: str, unit: str, message: str
) -> None:
    CaseRetention.objects.create(organisation=cast.harbour_house, closed_case_days=400)
    response = signed_in(cast.alice).post(_url(), {"amount": amount, "unit": unit})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    typed = f' value="{amount}"' if amount else ""
    assert f'name="amount"{typed} ' in page
    assert CaseRetention.objects.get(organisation=cast.harbour_house).closed_case_days == 400
    assert not AuditEntry.objects.filter(record_type="cases.caseretention").exists()


def test_the_bounds_themselves_are_accepted(cast: Cast) -> None:
    client = signed_in(cast.alice)
    assert client.post(_url(), {"amount": str(MIN_DAYS), "unit": "days"}).status_code == 302
    assert CaseRetention.objects.get(organisation=cast.harbour_house).closed_case_days == MIN_DAYS
    assert client.post(_url(), {"amount": "25", "unit": "years"}).status_code == 302
    assert CaseRetention.objects.get(organisation=cast.harbour_house).closed_case_days == MAX_DAYS


def test_the_refusal_is_in_french_for_a_french_reader(cast: Cast) -> None:
    response = signed_in(cast.alice).post(_url("fr"), {"amount": "0", "unit": "years"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Combien de temps les dossiers fermés sont gardés" in page
    assert "au moins 30 jours" in page


def test_the_action_refuses_a_period_out_of_bounds(cast: Cast) -> None:
    for days in (0, MIN_DAYS - 1, MAX_DAYS + 1):
        with pytest.raises(ValueError, match="between"):
            retention_set(by=cast.alice, days=days)
    assert not CaseRetention.objects.exists() and not AuditEntry.objects.exists()


def test_the_page_counts_the_closed_cases_the_next_run_deletes_under_the_current_period(cast: Cast) -> None:
    CaseRetention.objects.create(organisation=cast.harbour_house, closed_case_days=60)
    _closed_case(cast, days_ago=61)
    _closed_case(cast, days_ago=90)
    _closed_case(cast, days_ago=59)  # not yet
    actions.open_case(by=cast.bob, consent=actions.CASE_CONSENT, summary="still open")
    _closed_case(cast, days_ago=400, by="carol")  # another organisation's, under the default period
    client = signed_in(cast.alice)
    page = client.get(_url()).content.decode()
    assert "2 closed cases are past this period: the next daily run deletes them for good." in page
    # Nothing from a case is on the page: a count only.
    assert "Leamington" not in page and "HB-" not in page
    client.post(_url(), {"amount": "30", "unit": "days"})
    assert "3 closed cases are past this period" in client.get(_url()).content.decode()
    # Prairie Legal Clinic's administrator counts only its own: carol's case is within the default period.
    assert "0 closed cases are past this period" in signed_in(cast.omar).get(_url()).content.decode()
    CaseRetention.objects.create(organisation=cast.prairie_clinic, closed_case_days=365)
    page = signed_in(cast.omar).get(_url()).content.decode()
    assert "1 closed case is past this period: the next daily run deletes it for good." in page


def test_another_organisations_administrator_sets_only_their_own_period(cast: Cast) -> None:
    signed_in(cast.omar).post(_url(), {"amount": "2", "unit": "years"})
    assert list(CaseRetention.objects.values_list("organisation_id", "closed_case_days")) == [
        (cast.prairie_clinic.pk, 730)
    ]
    assert "<strong>7 years</strong>" in signed_in(cast.alice).get(_url()).content.decode()


def test_a_case_worker_neither_sees_nor_changes_the_period(cast: Cast) -> None:
    client = signed_in(cast.bob)
    assert client.get(_url()).status_code == 403
    assert client.post(_url(), {"amount": "30", "unit": "days"}).status_code == 403
    assert not CaseRetention.objects.exists()


def test_the_members_home_links_to_the_page_for_administrators_only(cast: Cast) -> None:
    link = f'href="{_url()}"'
    assert link in signed_in(cast.alice).get(reverse("network:dashboard")).content.decode()
    assert link not in signed_in(cast.bob).get(reverse("network:dashboard")).content.decode()
