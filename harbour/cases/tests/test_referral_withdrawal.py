"""The recipient of a referral: its linked case holds the consent it came under, and sees a withdrawal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.models import Case, Consent, Referral
from harbour.core.models import AuditEntry
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _received(cast: Cast) -> tuple[Case, Consent, Case]:
    case = actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven("open_case", ("case", "needs", "contact")),
        summary="Needs a lawyer for the wage claim",
        details=actions.CaseDetails(alias="Sunflower", contact="+1 555 0100", needs=("legal",)),
    )
    consent = actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven(
            "refer", ("case", "needs"), language="es", means="interpreter", recipient_id=cast.prairie_clinic.pk
        ),
    )
    referral = actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case", "needs"]
    )
    return case, consent, actions.referral_accept(by=cast.carol, referral=referral)


def test_the_linked_case_holds_the_consent_it_came_under(cast: Cast) -> None:
    _case, given, received = _received(cast)
    (derived,) = Consent.system_objects.filter(case=received)
    assert (derived.purpose, derived.categories, derived.organisation_id) == (
        "open_case", {"case", "needs"}, cast.prairie_clinic.pk,
    )  # fmt: skip
    assert (derived.wording, derived.language, derived.wording_version) == (
        given.wording, "es", given.wording_version,
    )  # fmt: skip
    assert given.language == "es" and "Usted puede decidir" in derived.wording
    assert (derived.given_at, derived.means, derived.expires_at) == (given.given_at, "interpreter", None)
    assert derived.recorded_by_id == cast.carol.pk and derived.recipient_id is None
    assert derived.came_through == Referral.system_objects.get()
    assert AuditEntry.objects.filter(
        actor=cast.carol, action="create", record_type="cases.consent", record_id=str(derived.pk)
    ).exists()
    page = signed_in(cast.carol).get(reverse("cases:case_detail", args=[received.reference])).content.decode()
    assert "came with the referral" in page and "Referred to your organisation by Harbour House" in page
    assert "withdrew their consent" not in page


def test_a_withdrawal_is_shown_on_the_recipients_linked_case(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case, given, received = _received(cast)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_consent(by=cast.bob, consent=given)
    given.refresh_from_db()
    assert given.withdrawn_at is not None
    page = signed_in(cast.carol).get(reverse("cases:case_detail", args=[received.reference])).content.decode()
    # The day as Harbour's clock shows it (in the evening in Canada, UTC is already the next day).
    withdrawn = timezone.localtime(given.withdrawn_at)
    assert f"The person withdrew their consent to this referral on {withdrawn:%Y-%m-%d}." in page
    assert "It covered: A case record with a reference, not a name; Needs and the situation." in page
    # The sender's own case page shows its consent withdrawn, not the recipient's notice.
    own = signed_in(cast.bob).get(reverse("cases:case_detail", args=[case.reference])).content.decode()
    assert "withdrew their consent to this referral" not in own


def test_the_recipients_case_workers_are_emailed_that_something_changed_and_nothing_about_the_person(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case, given, received = _received(cast)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_consent(by=cast.bob, consent=given)
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([cast.carol.email, cast.omar.email])
    for message in mail.outbox:
        assert "changed on a referral" in message.subject and "Sign in" in message.body
        text = f"{message.subject} {message.body}"
        for personal in (case.reference, received.reference, "Sunflower", "555", "wage", "lawyer", "legal", "Legal"):
            assert personal not in text, personal
    # A consent with nothing received under it emails no one.
    mail.outbox.clear()
    unused = actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk),
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_consent(by=cast.bob, consent=unused)
    assert mail.outbox == []


def test_the_consent_the_linked_case_came_under_is_withdrawn_with_the_senders(cast: Cast) -> None:
    _case, given, received = _received(cast)
    (derived,) = Consent.system_objects.filter(case=received)
    actions.withdraw_consent(by=cast.bob, consent=given)
    derived.refresh_from_db()
    given.refresh_from_db()
    assert derived.withdrawn_at == given.withdrawn_at is not None
    assert AuditEntry.objects.filter(
        system_actor=actions.WITHDRAWN_AT_THE_SENDER, action="update", record_id=str(derived.pk),
        organisation_id=cast.prairie_clinic.pk,
    ).exists()  # fmt: skip


def test_the_linked_case_claims_only_what_travelled_and_follows_the_consent_that_allowed_it(cast: Cast) -> None:
    case = actions.open_case(by=cast.bob, consent=actions.ConsentGiven("open_case", ("case", "needs")), summary="x")
    first = actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("refer", ("case", "needs"), recipient_id=cast.prairie_clinic.pk),
    )
    referral = actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"]
    )
    # A second consent for the same recipient, recorded before the answer; the first one then withdrawn
    # would empty the referral, so it is the second's turn only if the first is still standing.
    second = actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("refer", ("case", "needs"), recipient_id=cast.prairie_clinic.pk),
    )
    received = actions.referral_accept(by=cast.carol, referral=referral)
    (derived,) = Consent.system_objects.filter(case=received)
    assert derived.categories == {"case"}, "the linked case's consent names more than the referral carried"
    referral.refresh_from_db()
    assert referral.consent_id in {first.pk, second.pk}
    allowing = Consent.system_objects.get(pk=referral.consent_id)
    actions.withdraw_consent(by=cast.bob, consent=allowing)
    derived.refresh_from_db()
    assert derived.withdrawn_at is not None, "withdrawing the consent that allowed the referral missed the recipient"


def test_a_referral_whose_consent_was_withdrawn_cannot_be_accepted_under_another(cast: Cast) -> None:
    case = actions.open_case(by=cast.bob, consent=actions.ConsentGiven("open_case", ("case", "needs")), summary="x")
    first = actions.record_consent(
        by=cast.bob, case=case, given=actions.ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk)
    )
    referral = actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"]
    )
    actions.record_consent(
        by=cast.bob, case=case, given=actions.ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk)
    )
    actions.withdraw_consent(by=cast.bob, consent=first)
    with pytest.raises(actions.ReferralRefused, match="withdrew the consent this referral was sent under"):
        actions.referral_accept(by=cast.carol, referral=referral)
    assert not Case.system_objects.filter(organisation=cast.prairie_clinic).exists()
