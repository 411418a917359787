"""Coordinators add and vet organisations; only vetted organisations see anyone's data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from harbour.network import actions
from harbour.network.models import Audience, Invitation, Member, Organisation, WorkingGroup
from harbour.testing import Cast


def coordinator(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.cora)
    return client


def northern_outreach(*, languages: str) -> dict[str, str]:
    """The form a coordinator fills in to add an organisation in Yellowknife."""
    return {
        "name": "Northern Outreach",
        "kind": "ngo",
        "province": "NT",
        "city": "Yellowknife",
        "languages": languages,
        "admin_email": "lead@north.example",
    }


@pytest.mark.django_db
def test_a_coordinator_adds_an_organisation_and_invites_its_administrator(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator(cast).post(reverse("network:organisation_new"), northern_outreach(languages="en, fr"))
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Northern Outreach")
    assert organisation.vetting_status == Organisation.Vetting.PENDING
    assert organisation.languages == ["en", "fr"]
    assert Invitation.objects.get(organisation=organisation).role == "org_admin"
    assert mail.outbox[-1].to == ["lead@north.example"]


@pytest.mark.django_db
def test_a_bad_language_code_keeps_everything_typed(cast: Cast) -> None:
    response = coordinator(cast).post(reverse("network:organisation_new"), northern_outreach(languages="en, 42"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not a language code" in body
    assert 'value="Northern Outreach"' in body and 'value="lead@north.example"' in body
    assert not Organisation.objects.filter(name="Northern Outreach").exists()


@pytest.mark.django_db
def test_vetting_opens_person_data_to_the_organisations_case_workers(cast: Cast) -> None:
    pat = Client()
    pat.force_login(cast.pat)
    assert pat.get(reverse("cases:case_list")).status_code == 403
    response = coordinator(cast).post(
        reverse("network:organisation_vet", args=[cast.pending_org.pk]), {"status": "vetted", "note": "Checked."}
    )
    assert response.status_code == 302
    cast.pending_org.refresh_from_db()
    assert cast.pending_org.vetted_by == cast.cora
    assert pat.get(reverse("cases:case_list")).status_code == 200


@pytest.mark.django_db
def test_suspending_an_organisation_closes_person_data_at_once(cast: Cast) -> None:
    bob = Client()
    bob.force_login(cast.bob)
    assert bob.get(reverse("cases:case_list")).status_code == 200
    coordinator(cast).post(reverse("network:organisation_vet", args=[cast.harbour_house.pk]), {"status": "suspended"})
    assert bob.get(reverse("cases:case_list")).status_code == 403


@pytest.mark.django_db
def test_the_demo_network_loads_once_with_every_role(settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    from harbour.core.roles import Role
    from harbour.network.models import Member, WorkingGroup

    settings.HARBOUR_DEMO = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    assert Organisation.objects.filter(is_demo=True).count() >= 12
    assert Organisation.objects.values("province").distinct().count() >= 6
    assert WorkingGroup.objects.values("city").distinct().count() >= 5
    assert set(Member.objects.filter(is_demo=True).values_list("role", flat=True)) == set(Role.values)
    assert all("(demo)" in name for name in Organisation.objects.values_list("name", flat=True))
    assert out.getvalue().count("already loaded") == 1
    for role in Role:
        assert str(role.label) in out.getvalue()


def propose_winnipeg_group(cast: Cast, representative: Member) -> HttpResponse:
    return coordinator(cast).post(  # type: ignore[return-value]
        reverse("network:working_group_new"),
        {
            "name": "Winnipeg group",
            "city": "Winnipeg",
            "province": "MB",
            "organisations": [cast.prairie_clinic.pk],
            "representative": representative.pk,
        },
    )


@pytest.mark.django_db
def test_a_coordinator_creates_a_city_working_group(cast: Cast) -> None:
    assert propose_winnipeg_group(cast, cast.carol).status_code == 302
    group = WorkingGroup.objects.get(name="Winnipeg group")
    assert list(group.organisations.all()) == [cast.prairie_clinic]
    assert group.representative == cast.carol


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["organisations", "representative"])
@pytest.mark.parametrize("huge", ["9" * 30, "9" * 5000, "-1", "1e3"])
def test_a_number_that_is_no_ones_id_gets_a_message_not_a_server_error(cast: Cast, field: str, huge: str) -> None:
    client = Client()
    client.force_login(cast.cora)
    form: dict[str, Any] = {"name": "Winnipeg group", "city": "Winnipeg", "province": "MB"}
    form |= {"organisations": cast.prairie_clinic.pk, "representative": cast.carol.pk, field: huge}
    response = client.post(reverse("network:working_group_new"), form)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() and 'value="Winnipeg group"' in response.content.decode()
    assert not WorkingGroup.objects.exists()


@pytest.mark.django_db
def test_a_representative_must_belong_to_the_group(cast: Cast) -> None:
    response = propose_winnipeg_group(cast, cast.bob)
    assert response.status_code == 200
    assert "must work at one of the group" in response.content.decode()
    assert 'value="Winnipeg group"' in response.content.decode()
    assert not WorkingGroup.objects.exists()


@pytest.mark.django_db
def test_a_liaison_never_represents_a_city_group_nor_writes_to_it(cast: Cast) -> None:
    cast.prairie_clinic.working_groups.clear()
    response = coordinator(cast).post(
        reverse("network:working_group_new"),
        {
            "name": "Winnipeg group",
            "city": "Winnipeg",
            "province": "MB",
            "organisations": [cast.prairie_clinic.pk, cast.lee.organisation_id],
            "representative": cast.lee.pk,
        },
    )
    assert response.status_code == 200
    assert not WorkingGroup.objects.exists()
    # Even if a liaison were set as representative behind the form's back, they could not address the group.
    group = WorkingGroup.objects.create(name="Winnipeg group", city="Winnipeg", province="MB", representative=cast.lee)
    assert not actions.may_address(cast.lee, audience=Audience.WORKING_GROUP, working_group=group)
    assert not actions.may_address_anything(cast.lee)


@pytest.mark.django_db
def test_the_demo_network_is_refused_outside_demo_mode(settings: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.HARBOUR_DEMO = False
    with pytest.raises(CommandError, match="HARBOUR_DEMO"):
        call_command("load_demo")
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_the_home_page_offers_each_member_only_pages_they_can_open(cast: Cast) -> None:
    for member in (cast.pat, cast.lee, cast.bob):
        client = Client()
        client.force_login(member)
        home = client.get(reverse("network:dashboard")).content.decode()
        links = set(re.findall(r'<a href="(/[^"?#]+)"', home))
        assert links, member
        for link in links:
            assert client.get(link).status_code == 200, (member.email, link)
