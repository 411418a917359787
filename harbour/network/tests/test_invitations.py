"""Invitations: emailed links that expire, roles that fit the organisation, one organisation at a time."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.core.roles import Role
from harbour.network import actions
from harbour.network.models import Invitation, Member
from harbour.testing import CAST_PASSWORD, Cast

NEW_PASSWORD = "river lantern orchard pebble"


def invite(cast: Cast, capture: Any, email: str = "dana@cast.example", role: str = Role.CASE_WORKER) -> str:
    """Alice invites someone through the staff page; returns the path of the emailed link."""
    client = Client()
    client.force_login(cast.alice)
    with capture(execute=True):
        response = client.post(reverse("network:organisation_staff"), {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()
    link = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert link is not None
    return "/" + link.group(0).split("/", 3)[3]


@pytest.mark.django_db
def test_an_administrator_invites_and_the_person_joins(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    path = invite(cast, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["dana@cast.example"]
    client = Client()
    page = client.get(path)
    assert "Harbour House" in page.content.decode()
    response = client.post(path, {"full_name": "Dana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    dana = Member.objects.get(email="dana@cast.example")
    assert (dana.organisation, dana.role) == (cast.harbour_house, Role.CASE_WORKER)
    assert client.get(path).status_code == 410  # used once


@pytest.mark.django_db
def test_only_a_digest_of_the_invitation_token_is_stored(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    path = invite(cast, django_capture_on_commit_callbacks)
    token = path.rstrip("/").split("/")[-1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_digest


@pytest.mark.django_db
def test_an_expired_invitation_says_so_and_creates_nothing(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    path = invite(cast, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    client.post(path, {"full_name": "Dana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not Member.objects.filter(email="dana@cast.example").exists()


@pytest.mark.django_db
def test_a_weak_password_keeps_what_was_typed(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    path = invite(cast, django_capture_on_commit_callbacks)
    response = Client().post(path, {"full_name": "Dana Example", "password1": "short", "password2": "short"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Dana Example"' in body
    assert "errorlist" in body


def _staff_page_after_inviting(client: Client, email: str) -> str:
    """The staff page an administrator lands on after inviting `email`, with that address blanked out."""
    response = client.post(
        reverse("network:organisation_staff"), {"email": email, "role": Role.CASE_WORKER}, follow=True
    )
    assert response.redirect_chain == [(reverse("network:organisation_staff"), 302)]
    page = response.content.decode().replace(email, "[address]")
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r"/invitations/\d+/", "/invitations/[id]/", page)


@pytest.mark.django_db
def test_the_staff_page_answers_the_same_whatever_the_address(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """An administrator cannot learn that an address belongs to another organisation or to a liaison."""
    client = Client()
    client.force_login(cast.alice)
    pages = []
    for email in ("nobody-yet@cast.example", "carol@cast.example", "lee@cast.example"):
        with django_capture_on_commit_callbacks(execute=True):
            pages.append(_staff_page_after_inviting(client, email))
        Invitation.objects.filter(email=email).update(revoked_at=timezone.now())  # keep the pending list alike
        assert mail.outbox[-1].to == [email]
    assert pages[0] == pages[1] == pages[2]
    assert "Invitation sent to [address]" in pages[0]
    # The person who already has an account is told so, and gets no link to take over anything.
    carol_mail = str(mail.outbox[1].body)
    assert "already has a Harbour account" in carol_mail
    assert "http" not in carol_mail
    assert Member.objects.get(pk=cast.carol.pk).organisation == cast.prairie_clinic


@pytest.mark.django_db
def test_a_coordinator_is_told_the_address_belongs_to_another_organisation(cast: Cast) -> None:
    # Coordinators read every organisation's members while vetting: the answer hides nothing from them.
    with pytest.raises(actions.ActionRefused, match="belongs to another organisation"):
        actions.invitation_send(
            by=cast.cora, organisation=cast.harbour_house, email="carol@cast.example", role=Role.CASE_WORKER
        )


@pytest.mark.django_db
def test_an_administrator_is_told_when_the_person_is_already_on_their_own_staff(cast: Cast) -> None:
    with pytest.raises(actions.ActionRefused, match="already a member of this organisation"):
        actions.invitation_send(
            by=cast.alice, organisation=cast.harbour_house, email="bob@cast.example", role=Role.CASE_WORKER
        )


@pytest.mark.django_db
def test_a_removed_member_can_join_another_organisation(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    actions.member_remove(by=cast.alice, member=cast.bob)
    with django_capture_on_commit_callbacks(execute=True):
        actions.invitation_send(
            by=cast.cora, organisation=cast.prairie_clinic, email="bob@cast.example", role=Role.CASE_WORKER
        )
    token_path = "/" + re.findall(r"https?://\S+", str(mail.outbox[-1].body))[0].split("/", 3)[3]
    Client().post(token_path, {"full_name": "Bob", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    bob = Member.objects.get(pk=cast.bob.pk)
    assert bob.is_active and bob.organisation == cast.prairie_clinic
    assert bob.totp_secret is None  # a new organisation means a new authenticator


@pytest.mark.django_db
def test_administrators_invite_only_to_their_own_organisation(cast: Cast) -> None:
    with pytest.raises(actions.ActionRefused):
        actions.invitation_send(
            by=cast.alice, organisation=cast.prairie_clinic, email="x@cast.example", role=Role.CASE_WORKER
        )
    with pytest.raises(actions.ActionRefused):
        actions.invitation_send(
            by=cast.bob, organisation=cast.harbour_house, email="x@cast.example", role=Role.CASE_WORKER
        )


@pytest.mark.django_db
def test_state_organisations_only_get_liaisons(cast: Cast) -> None:
    with pytest.raises(actions.ActionRefused, match="not available"):
        actions.invitation_send(by=cast.cora, organisation=cast.police, email="x@cast.example", role=Role.CASE_WORKER)
    assert (
        actions.invitation_send(by=cast.cora, organisation=cast.police, email="x@cast.example", role=Role.LIAISON).role
        == Role.LIAISON
    )


@pytest.mark.django_db
def test_only_coordinators_invite_coordinators(cast: Cast) -> None:
    with pytest.raises(actions.ActionRefused):
        actions.invitation_send(
            by=cast.alice, organisation=cast.harbour_house, email="x@cast.example", role=Role.COORDINATOR
        )


@pytest.mark.django_db
def test_a_removed_member_loses_access_at_once(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.bob)
    assert client.get(reverse("network:dashboard")).status_code == 200
    admin = Client()
    admin.force_login(cast.alice)
    admin.post(reverse("network:member_remove", args=[cast.bob.pk]))
    assert client.get(reverse("network:dashboard")).status_code == 302


@pytest.mark.django_db
def test_an_administrator_withdraws_an_invitation(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    path = invite(cast, django_capture_on_commit_callbacks)
    admin = Client()
    admin.force_login(cast.alice)
    admin.post(reverse("network:invitation_revoke", args=[Invitation.objects.get().pk]))
    response = Client().get(path)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


@pytest.mark.django_db
def test_removing_a_member_withdraws_the_invitations_they_sent(cast: Cast) -> None:
    cast.bob.role = Role.ORG_ADMIN
    cast.bob.save()
    invitation = actions.invitation_send(
        by=cast.bob, organisation=cast.harbour_house, email="friend@cast.example", role=Role.ORG_ADMIN
    )
    actions.member_remove(by=cast.alice, member=cast.bob)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


@pytest.mark.django_db
def test_an_administrator_resets_a_lost_authenticator(cast: Cast) -> None:
    admin = Client()
    admin.force_login(cast.alice)
    admin.post(reverse("network:member_two_factor_reset", args=[cast.bob.pk]))
    assert Member.objects.get(pk=cast.bob.pk).totp_secret is None
    response = Client().post(reverse("network:sign_in"), {"email": "bob@cast.example", "password": CAST_PASSWORD})
    assert response["Location"] == reverse("network:two_factor_setup")


@pytest.mark.django_db
def test_an_administrator_cannot_reset_another_organisations_staff(cast: Cast) -> None:
    admin = Client()
    admin.force_login(cast.omar)
    assert admin.post(reverse("network:member_two_factor_reset", args=[cast.bob.pk])).status_code == 404
    assert Member.objects.get(pk=cast.bob.pk).totp_secret is not None
