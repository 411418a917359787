"""A worker's day from the case page: consent, referral, the recipient's answer, export; counted queries."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from harbour.cases import actions
from harbour.cases.models import Case, Referral
from harbour.cases.wording import shown_fields
from harbour.testing import AssertNumQueries, Cast, assert_queries_do_not_grow, signed_in

pytestmark = pytest.mark.django_db
AGREED = {"agreed": "on", "means": "in_person", **shown_fields("refer", "en")}


def _case(cast: Cast) -> Case:
    return actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven("open_case", ("case", "needs", "contact")),
        summary="Needs a lawyer",
        details=actions.CaseDetails(alias="Sun", contact="+1 555 0100", needs=("legal",)),
    )


def test_a_referral_without_consent_is_refused_on_the_page_and_keeps_what_was_chosen(cast: Cast) -> None:
    case = _case(cast)
    url = reverse("cases:referral_new", args=[case.reference])
    posted = {"recipient": cast.prairie_clinic.pk, "need": "legal", "categories": ["case", "needs"]}
    refused = signed_in(cast.bob).post(url, posted)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "has not consented" in page and page.count(" checked") == 2  # the two categories chosen
    assert Referral.system_objects.count() == 0


def test_consent_then_referral_then_acceptance_through_the_pages(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    consent_url = reverse("cases:consent_new", args=[case.reference, "refer"])
    assert "organisation named here" in bob.get(consent_url).content.decode()
    recorded = bob.post(consent_url, {**AGREED, "recipient": cast.prairie_clinic.pk, "categories": ["case", "needs"]})
    assert recorded.status_code == 302
    sent = bob.post(
        reverse("cases:referral_new", args=[case.reference]),
        {"recipient": cast.prairie_clinic.pk, "need": "legal", "categories": ["case", "needs"]},
    )
    assert sent.status_code == 302
    referral = Referral.system_objects.get()
    carol = signed_in(cast.carol)
    inbox = carol.get(reverse("cases:referrals_received")).content.decode()
    assert reverse("cases:referral_received", args=[referral.pk]) in inbox
    page = carol.get(reverse("cases:referral_received", args=[referral.pk])).content.decode()
    assert "Needs a lawyer" in page and "Sun" not in page and "555" not in page
    accepted = carol.post(reverse("cases:referral_received", args=[referral.pk]), {"do": "accept"})
    assert accepted.status_code == 302
    received = Case.objects.visible_to(cast.carol).get()
    assert received.summary == "Needs a lawyer" and received.person_key == case.person_key
    # The sender's organisation still sees only its own case; the clinic only its own.
    assert list(Case.objects.visible_to(cast.bob)) == [case]


def test_outsiders_never_reach_a_referral_or_an_export(cast: Cast) -> None:
    case = _case(cast)
    actions.record_consent(
        by=cast.bob, case=case, given=actions.ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk)
    )
    referral = actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"]
    )
    for member in (cast.lee, cast.rhea, cast.cora, cast.alice):
        response = signed_in(member).get(reverse("cases:referral_received", args=[referral.pk]))
        assert response.status_code in (403, 404)
    for member in (cast.lee, cast.rhea, cast.carol):
        assert signed_in(member).get(reverse("cases:case_export", args=[case.reference])).status_code in (403, 404)


def test_the_export_holds_everything_about_the_person_readable(cast: Cast) -> None:
    case = _case(cast)
    actions.note_add(by=cast.bob, case=case, text="Prefers Spanish")
    response = signed_in(cast.bob).get(reverse("cases:case_export", args=[case.reference]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["case"]["alias"] == "Sun" and document["notes"] == ["Prefers Spanish"]
    assert document["consents"][0]["purpose"] == "open_case" and "You can choose" in document["consents"][0]["wording"]


@pytest.mark.parametrize("reader", ["bob", "alice", "hana"])
def test_the_case_page_makes_as_many_queries_with_many_consents_and_referrals(
    reader: str, cast: Cast, django_assert_num_queries: AssertNumQueries
) -> None:
    case = _case(cast)

    def add(count: int) -> None:
        for _ in range(count):
            actions.record_consent(
                by=cast.bob,
                case=case,
                given=actions.ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk),
            )
            actions.refer_case(by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"])

    client = signed_in(getattr(cast, reader))
    assert_queries_do_not_grow(
        django_assert_num_queries, client, reverse("cases:case_detail", args=[case.reference]), add
    )


def test_the_referral_inbox_makes_as_many_queries_with_many_referrals(
    cast: Cast, django_assert_num_queries: AssertNumQueries
) -> None:
    case = _case(cast)

    def add(count: int) -> None:
        for _ in range(count):
            actions.record_consent(
                by=cast.bob,
                case=case,
                given=actions.ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk),
            )
            actions.refer_case(by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"])

    assert_queries_do_not_grow(
        django_assert_num_queries, signed_in(cast.carol), reverse("cases:referrals_received"), add
    )
