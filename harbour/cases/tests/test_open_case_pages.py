"""Opening a case, from the cases page or from a screening, always records the person's consent first."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from harbour.cases.actions import ConsentGiven, ConsentMissing, case_open, open_case_from_screening
from harbour.cases.models import Case, Consent
from harbour.core.models import AuditEntry
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

ANSWERS = {"q_recruited": "yes", "q_job_different": "yes", "q_violence": "yes", "q_from_abroad": "no"}
AGREED = {"stage": "confirm", "agreed": "on", "language": "en", "means": "in_person"}


def test_a_case_opens_from_a_screening_only_with_consent_and_keeps_the_answers_encrypted(cast: Cast) -> None:
    client = signed_in(cast.bob)
    url = reverse("cases:case_from_screening")
    form = client.post(url, ANSWERS).content.decode()
    assert 'name="agreed"' in form and "checked" not in form  # nothing is ticked for the person
    assert "change your mind" in form
    refused = client.post(url, {**ANSWERS, "stage": "confirm", "categories": ["case", "screening"], "summary": "kept"})
    assert refused.status_code == 400
    assert "kept" in refused.content.decode()  # what was typed is kept
    assert Case.system_objects.count() == 0
    response = client.post(url, {**ANSWERS, **AGREED, "categories": ["case", "screening"], "summary": "x"})
    assert response.status_code == 302
    case = Case.objects.visible_to(cast.bob).get()
    assert json.loads(case.screening)["answers"] == {
        "recruited": "yes",
        "job_different": "yes",
        "violence": "yes",
        "from_abroad": "no",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT screening FROM cases_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("hb2:") and "violence" not in raw
    consent = Consent.objects.visible_to(cast.bob).get()
    assert consent.case_id == case.pk and consent.recorded_by_id == cast.bob.pk
    assert consent.scopes == ["case", "screening"] and consent.purpose == "open_case"
    assert "change your mind" in consent.wording
    audited = set(AuditEntry.objects.values_list("record_type", "action"))
    assert {("cases.case", "create"), ("cases.consent", "create")} <= audited
    detail = client.get(response["Location"]).content.decode()
    assert "Screening answers kept with consent" in detail


def test_without_consent_to_keep_answers_the_case_holds_none(cast: Cast) -> None:
    signed_in(cast.alice).post(reverse("cases:case_from_screening"), {**ANSWERS, **AGREED, "categories": ["case"]})
    case = Case.objects.visible_to(cast.alice).get()
    assert case.screening is None
    assert Consent.objects.visible_to(cast.alice).get().scopes == ["case"]


def test_the_screening_result_offers_the_case_page_only_to_who_may_open_cases(cast: Cast) -> None:
    for member, offered in ((cast.bob, True), (cast.hana, False)):
        result = signed_in(member).post(reverse("screening:worker"), {**ANSWERS, "do": "result"}).content.decode()
        assert (reverse("cases:case_from_screening") in result) is offered
    refused = signed_in(cast.hana).post(
        reverse("cases:case_from_screening"), {**ANSWERS, **AGREED, "categories": "case"}
    )
    assert refused.status_code == 403


def test_the_cases_page_opens_no_case_without_a_consent_record(cast: Cast) -> None:
    client = signed_in(cast.bob)
    url = reverse("cases:case_new")
    assert client.post(url, {"stage": "confirm", "summary": "typed", "categories": ["case"]}).status_code == 400
    assert client.post(url, {**AGREED, "summary": "typed", "categories": ["needs"]}).status_code == 400
    assert Case.system_objects.count() == 0
    response = client.post(url, {**AGREED, "language": "fr", "summary": "typed", "categories": ["case", "needs"]})
    assert response.status_code == 302
    consent = Consent.objects.visible_to(cast.bob).get()
    assert consent.language == "fr" and "Vous pouvez" in consent.wording


def test_screening_answers_never_reach_a_case_without_consent(cast: Cast) -> None:
    with pytest.raises(ConsentMissing):
        case_open(by=cast.bob, summary="s", screening="{}")
    with pytest.raises(ConsentMissing):
        open_case_from_screening(by=cast.bob, screening="{}", consent=ConsentGiven("open_case", ("case",)))
    assert Case.system_objects.count() == 0
