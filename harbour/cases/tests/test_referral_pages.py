"""The referral page: clear reasons when a referral cannot go, keeping what was chosen; emails say nothing."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from harbour.cases import actions
from harbour.cases.models import Case, Consent, Referral
from harbour.network.models import Organisation
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _case(cast: Cast, **consent: Any) -> Case:
    case = actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven("open_case", ("case", "needs", "contact")),
        summary="Needs a lawyer for the wage claim",
        details=actions.CaseDetails(alias="Sunflower", contact="+1 555 0100", needs=("legal",)),
    )
    actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("refer", ("case", "needs"), recipient_id=cast.prairie_clinic.pk, **consent),
    )
    return case


def _posted(cast: Cast, organisation: Organisation | None = None) -> dict[str, Any]:
    return {"recipient": (organisation or cast.prairie_clinic).pk, "need": "legal", "categories": ["case", "needs"]}


def _kept_choices(page: str, organisation: Organisation) -> None:
    assert f'<option value="{organisation.pk}" selected>{organisation.name}</option>' in page
    assert '<option value="legal" selected>' in page and page.count(" checked") == 2


def test_an_organisation_suspended_after_the_page_loaded_gets_a_clear_reason(cast: Cast) -> None:
    case = _case(cast)
    url = reverse("cases:referral_new", args=[case.reference])
    client = signed_in(cast.bob)
    assert f'<option value="{cast.prairie_clinic.pk}">' in client.get(url).content.decode()
    Organisation.objects.filter(pk=cast.prairie_clinic.pk).update(vetting_status=Organisation.Vetting.SUSPENDED)
    refused = client.post(url, _posted(cast))
    assert refused.status_code == 400 and Referral.system_objects.count() == 0
    page = unescape(refused.content.decode())
    assert "This organisation is not, or no longer, a vetted member of the network." in page
    assert "Select a valid choice" not in page
    _kept_choices(page, cast.prairie_clinic)
    with translation.override("fr"):
        french_url = reverse("cases:referral_new", args=[case.reference])
    french = unescape(signed_in(cast.bob).post(french_url, _posted(cast)).content.decode())
    assert "Cet organisme n'est pas, ou n'est plus, un membre vérifié du réseau." in french


def test_a_referral_to_its_own_organisation_is_refused_in_words(cast: Cast) -> None:
    case = _case(cast)
    url = reverse("cases:referral_new", args=[case.reference])
    refused = signed_in(cast.bob).post(url, _posted(cast, cast.harbour_house))
    assert refused.status_code == 400
    page = unescape(refused.content.decode())
    assert "A case is referred to another organisation, not to its own." in page
    _kept_choices(page, cast.harbour_house)


def test_an_organisation_never_vetted_is_not_offered_or_named(cast: Cast) -> None:
    case = _case(cast)
    url = reverse("cases:referral_new", args=[case.reference])
    refused = signed_in(cast.bob).post(url, _posted(cast, cast.pending_org))
    assert refused.status_code == 400 and cast.pending_org.name not in unescape(refused.content.decode())


def test_an_expired_consent_on_the_referral_page_says_to_ask_again(cast: Cast) -> None:
    case = _case(cast, expires_at=timezone.now() + timedelta(days=1))
    Consent.system_objects.filter(case=case, purpose="refer").update(expires_at=timezone.now() - timedelta(hours=1))
    refused = signed_in(cast.bob).post(reverse("cases:referral_new", args=[case.reference]), _posted(cast))
    assert refused.status_code == 400 and Referral.system_objects.count() == 0
    page = unescape(refused.content.decode())
    assert "The person's consent has expired. Ask them again." in page
    _kept_choices(page, cast.prairie_clinic)


def test_the_referral_email_says_nothing_about_the_person(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    case = _case(cast)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = signed_in(cast.bob).post(reverse("cases:referral_new", args=[case.reference]), _posted(cast))
    assert sent.status_code == 302 and Referral.system_objects.count() == 1
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [cast.carol.email, cast.omar.email]
    )
    for message in mail.outbox:
        assert "referral is waiting" in message.subject
        text = f"{message.subject} {message.body}"
        for personal in (case.reference, "HB-", "Sunflower", "555", "wage", "lawyer", "legal", "Legal help"):
            assert personal not in text, personal
