"""A referral's receiving organisation can be picked from the directory as well as from the member list."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from harbour.cases import actions
from harbour.cases.models import Case, Referral
from harbour.directory.tests.factories import service_make
from harbour.network.models import Organisation
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _case_with_referral_consent(cast: Cast) -> Case:
    case = actions.open_case(by=cast.bob, consent=actions.ConsentGiven("open_case", ("case", "needs")), summary="x")
    actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("refer", ("case", "needs"), recipient_id=cast.prairie_clinic.pk),
    )
    return case


def test_a_service_picked_in_the_directory_sends_the_referral_to_its_organisation(cast: Cast) -> None:
    case = _case_with_referral_consent(cast)
    clinic = service_make(name="Immigration law drop-in", organisation=cast.prairie_clinic, city="Winnipeg")
    service_make(name="Police victim services", organisation=cast.police)
    service_make(name="A service outside the network", organisation_name="Unlisted Society")
    service_make(name="Our own shelter", organisation=cast.harbour_house)
    bob = signed_in(cast.bob)
    url = reverse("cases:referral_new", args=[case.reference])
    form = bob.get(url, {"service": clinic.id}).content.decode()
    assert f'<option value="{clinic.id}" selected>Immigration law drop-in</option>' in form
    assert '<optgroup label="Prairie Legal Clinic">' in form
    for hidden in ("Police victim services", "A service outside the network", "Our own shelter"):
        assert hidden not in form
    sent = bob.post(url, {"listing": clinic.id, "need": "legal", "categories": ["case", "needs"]})
    assert sent.status_code == 302
    assert Referral.system_objects.get().recipient == cast.prairie_clinic


def test_a_service_the_form_does_not_offer_is_refused_keeping_the_choices(cast: Cast) -> None:
    case = _case_with_referral_consent(cast)
    police = service_make(name="Police victim services", organisation=cast.police)
    posted = {"listing": police.id, "need": "legal", "categories": ["needs"]}
    response = signed_in(cast.bob).post(reverse("cases:referral_new", args=[case.reference]), posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and re.search(r'value="needs"[^>]*checked', page)
    assert "from the member list or from a service" not in page
    assert Referral.system_objects.count() == 0


def test_the_organisation_and_the_service_must_agree_and_one_is_needed(cast: Cast) -> None:
    case = _case_with_referral_consent(cast)
    clinic = service_make(name="Immigration law drop-in", organisation=cast.prairie_clinic)
    bob = signed_in(cast.bob)
    url = reverse("cases:referral_new", args=[case.reference])
    both = {"recipient": cast.secretariat.pk, "listing": clinic.id, "need": "legal", "categories": ["case"]}
    differ = bob.post(url, both)
    assert differ.status_code == 400 and "differ: choose one of them" in differ.content.decode()
    neither = bob.post(url, {"need": "legal", "categories": ["case"]})
    assert neither.status_code == 400 and "from the member list or from a service" in neither.content.decode()
    agree = bob.post(url, {**both, "recipient": cast.prairie_clinic.pk})
    assert agree.status_code == 302
    assert Referral.system_objects.get().recipient == cast.prairie_clinic


def test_a_service_whose_organisation_was_suspended_after_the_page_loaded_gets_a_clear_reason(cast: Cast) -> None:
    case = _case_with_referral_consent(cast)
    clinic = service_make(name="Immigration law drop-in", organisation=cast.prairie_clinic)
    bob = signed_in(cast.bob)
    url = reverse("cases:referral_new", args=[case.reference])
    assert f'<option value="{clinic.id}">Immigration law drop-in</option>' in bob.get(url).content.decode()
    Organisation.objects.filter(pk=cast.prairie_clinic.pk).update(vetting_status=Organisation.Vetting.SUSPENDED)
    refused = bob.post(url, {"listing": clinic.id, "need": "legal", "categories": ["case", "needs"]})
    assert refused.status_code == 400 and Referral.system_objects.count() == 0
    page = unescape(refused.content.decode())
    assert "This organisation is not, or no longer, a vetted member of the network." in page
    assert "Select a valid choice" not in page
    assert f'<option value="{clinic.id}" selected>Immigration law drop-in</option>' in page
    # Not offered while suspended, when the page is loaded again.
    assert "Immigration law drop-in" not in bob.get(url).content.decode()


@pytest.mark.parametrize("posted", ["a\x00b", "x" * 5000, "²", "../1", "does-not-exist"])
def test_a_strange_listing_or_recipient_is_refused_in_words_never_a_server_error(cast: Cast, posted: str) -> None:
    case = _case_with_referral_consent(cast)
    url = reverse("cases:referral_new", args=[case.reference])
    for field in ("listing", "recipient"):
        response = signed_in(cast.bob).post(url, {field: posted, "need": "legal", "categories": ["case"]})
        assert response.status_code == 400, field
        assert 'class="errorlist' in response.content.decode()
    assert Referral.system_objects.count() == 0


def test_a_service_of_ones_own_organisation_is_refused_with_the_reason(cast: Cast) -> None:
    case = _case_with_referral_consent(cast)
    own = service_make(name="Our own shelter", organisation=cast.harbour_house)
    url = reverse("cases:referral_new", args=[case.reference])
    refused = signed_in(cast.bob).post(url, {"listing": own.id, "need": "legal", "categories": ["case"]})
    assert refused.status_code == 400
    assert "A case is referred to another organisation, not to its own." in unescape(refused.content.decode())
