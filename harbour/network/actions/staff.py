"""Invitations, and an administrator's changes to their staff (removal, two-factor reset)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.core.mail import email_send
from harbour.core.roles import Role
from harbour.network.actions.common import ActionRefused, absolute_url
from harbour.network.models import Invitation, Member, Organisation, token_digest


def _may_invite(by: Member, organisation: Organisation) -> bool:
    if by.is_coordinator:
        return True
    return by.is_org_admin and by.organisation_id == organisation.pk


def invitation_send(*, by: Member, organisation: Organisation, email: str, role: str) -> Invitation:
    """Invite someone to join `organisation` as `role`, by an emailed link that expires."""
    if not _may_invite(by, organisation):
        raise ActionRefused(_("You can only invite people to your own organisation."))
    if role not in organisation.roles_allowed():
        raise ActionRefused(_("This role is not available in this organisation."))
    if role == Role.COORDINATOR and not by.is_coordinator:
        raise ActionRefused(_("Only a network coordinator can invite another coordinator."))
    email = email.strip().lower()
    existing = Member.objects.filter(email__iexact=email, is_active=True).first()
    if existing is not None and existing.organisation_id == organisation.pk:
        raise ActionRefused(_("This person is already a member of this organisation."))
    if existing is not None and by.is_coordinator:
        # Coordinators see every organisation's members while vetting: telling them hides nothing.
        raise ActionRefused(
            _("This person belongs to another organisation. They must leave it before joining this one.")
        )
    # For anyone else the answer is the same whatever the address, so an administrator cannot
    # learn that an email belongs to another organisation or to a liaison: the invitation is
    # filed and an email goes out, but one that holds no link when the address already has an account.
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.pending().filter(organisation=organisation, email__iexact=email).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_digest=token_digest(token),
            invited_by=by,
            expires_at=Invitation.default_expiry(),
        )
        names = {"inviter": by.full_name, "organisation": organisation, "role": Role(role).label}
        if existing is None:
            link = absolute_url(reverse("network:invitation_accept", kwargs={"token": token}))
            body = _(
                "%(inviter)s invited you to join %(organisation)s on Harbour as %(role)s.\n\n"
                "Open this link to choose your password. It works once and expires on %(expires)s:\n"
                "%(link)s\n\nIf you did not expect this, ignore this message."
            ) % {**names, "expires": f"{invitation.expires_at:%Y-%m-%d}", "link": link}
        else:
            body = (
                _(
                    "%(inviter)s invited you to join %(organisation)s on Harbour as %(role)s.\n\n"
                    "Your address already has a Harbour account with another organisation, and an account "
                    "belongs to one organisation at a time. If you are moving, ask an administrator of your "
                    "current organisation to remove you, then ask %(inviter)s for a new invitation.\n\n"
                    "If you did not expect this, ignore this message."
                )
                % names
            )
        email_send(
            to=email,
            subject=_("You are invited to join %(organisation)s on Harbour") % {"organisation": organisation},
            body=body,
        )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("organisation").filter(token_digest=token_digest(token)).first()
    if invitation is None:
        raise ActionRefused(_("This invitation link is not valid. Check that you copied all of it."))
    if invitation.accepted_at is not None:
        raise ActionRefused(_("This invitation has already been used. Sign in instead."))
    if invitation.revoked_at is not None:
        raise ActionRefused(_("This invitation was withdrawn. Ask for a new one."))
    if invitation.is_expired:
        raise ActionRefused(
            _("This invitation expired on %(date)s. Ask your organisation's administrator for a new one.")
            % {"date": f"{invitation.expires_at:%Y-%m-%d}"}
        )
    return invitation


def invitation_accept(*, token: str, full_name: str, password: str) -> Member:
    with transaction.atomic():
        invitation = invitation_for_token(token)
        member = Member.objects.filter(email__iexact=invitation.email).first()
        if member is not None and member.is_active:
            raise ActionRefused(_("An account with this email already exists. Sign in instead."))
        if member is None:
            member = Member(email=invitation.email)
        member.full_name = full_name
        member.organisation = invitation.organisation
        member.role = invitation.role
        member.is_active = True
        member.totp_secret = None
        member.set_password(password)
        member.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return member


def member_remove(*, by: Member, member: Member) -> None:
    """Ends a member's access; their account can later be invited elsewhere."""
    if not (by.is_org_admin and by.organisation_id == member.organisation_id):
        raise ActionRefused(_("You can only remove members of your own organisation."))
    if member.pk == by.pk:
        raise ActionRefused(_("You cannot remove yourself. Ask another administrator."))
    with transaction.atomic():
        member.is_active = False
        member.save(update_fields=["is_active"])
        # Someone who loses access must not keep a way back in through a link they sent.
        Invitation.objects.pending().filter(invited_by=member).update(revoked_at=timezone.now())
    # End their open sessions now rather than at the next idle timeout.
    _end_sessions(member)


def invitation_revoke(*, by: Member, invitation: Invitation) -> None:
    if not _may_invite(by, invitation.organisation):
        raise ActionRefused(_("You can only withdraw invitations to your own organisation."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def two_factor_reset(*, by: Member, member: Member) -> None:
    """Clears a colleague's authenticator (a lost phone); they enrol a new one at their next sign-in."""
    if not (by.is_org_admin and by.organisation_id == member.organisation_id):
        raise ActionRefused(_("You can only reset two-factor sign-in for your own organisation's staff."))
    member.totp_secret = None
    member.totp_last_step = 0
    member.save(update_fields=["totp_secret", "totp_last_step"])
    _end_sessions(member)


def _end_sessions(member: Member) -> None:
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        if session.get_decoded().get("_auth_user_id") == str(member.pk):
            session.delete()
