"""Organisation profiles: members find partners; each organisation's administrators keep its own profile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from harbour.network import actions
from harbour.network.models import Organisation
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def test_an_administrator_edits_their_own_organisations_profile(cast: Cast) -> None:
    client = signed_in(cast.alice)
    url = reverse("network:organisation_profile_edit")
    form = {
        "description": "Shelter and accompaniment for women who left exploitation.",
        "areas_served": "Greater Toronto",
        "languages": "en, fr, es, tl",
        "website": "harbourhouse.example.org",
        "contact_name": "Intake team",
        "contact_email": "intake@harbourhouse.example.org",
        "contact_phone": "416-555-0100",
    }
    response = client.post(url, {**form, "languages": "en, 12"})
    assert response.status_code == 200
    assert b"Shelter and accompaniment" in response.content  # nothing lost
    assert client.post(url, form).status_code == 302
    cast.harbour_house.refresh_from_db()
    assert cast.harbour_house.languages == ["en", "fr", "es", "tl"]
    assert cast.harbour_house.website == "https://harbourhouse.example.org"
    assert cast.harbour_house.profile_updated_at is not None
    page = signed_in(cast.carol).get(reverse("network:organisation_profile", args=[cast.harbour_house.pk]))
    assert b"Intake team" in page.content and b"416-555-0100" in page.content
    with pytest.raises(actions.ActionRefused):
        actions.organisation_profile_save(by=cast.omar, organisation=cast.harbour_house)
    assert signed_in(cast.bob).get(url).status_code == 403


def test_the_partner_directory_filters_by_province_city_kind_and_language(cast: Cast) -> None:
    cast.prairie_clinic.languages = ["en", "pa"]
    cast.prairie_clinic.save()
    client = signed_in(cast.bob)
    url = reverse("network:partners")

    def names(**query: str) -> set[str]:
        response = client.get(url, query)
        assert response.status_code == 200
        return {o.name for o in response.context["organisations"]}

    vetted = set(Organisation.objects.vetted().values_list("name", flat=True))
    assert names() == vetted
    assert "New Settlement Services" not in vetted  # waiting for vetting: not listed
    assert names(province="MB") == {"Prairie Legal Clinic"}
    assert names(city="winnipeg") == {"Prairie Legal Clinic"}
    assert names(kind=Organisation.Kind.SHELTER) == {"Harbour House"}
    assert names(language="pa") == {"Prairie Legal Clinic"}
    assert names(province="ON", language="pa") == set()
    assert client.get(url, {"province": "XX"}).status_code == 200  # a bad filter is a message, not a crash


def test_an_organisation_waiting_for_vetting_has_no_profile_page(cast: Cast) -> None:
    url = reverse("network:organisation_profile", args=[cast.pending_org.pk])
    assert signed_in(cast.bob).get(url).status_code == 404
