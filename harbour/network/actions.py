"""Writes to the network that have side effects: emails, vetting, invitations, sign-in records."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from harbour.core.mail import email_send
from harbour.core.roles import Role
from harbour.network.models import (
    Invitation,
    Member,
    Organisation,
    SignInEvent,
    SignInThrottle,
    token_digest,
)

TOTP_ISSUER = "Harbour"


class ActionRefused(Exception):
    """The action cannot be done; the message is shown to the member as it is."""


def _absolute(path: str) -> str:
    return settings.HARBOUR_SITE_URL.rstrip("/") + path


def organisation_vet(*, by: Member, organisation: Organisation, status: str, note: str) -> Organisation:
    if not by.is_coordinator:
        raise ActionRefused(_("Only a network coordinator can vet an organisation."))
    organisation.vetting_status = status
    organisation.vetting_note = note
    organisation.vetted_by = by
    organisation.vetted_at = timezone.now()
    organisation.save(update_fields=["vetting_status", "vetting_note", "vetted_by", "vetted_at"])
    return organisation


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
    if existing is not None:
        if existing.organisation_id == organisation.pk:
            raise ActionRefused(_("This person is already a member of this organisation."))
        raise ActionRefused(
            _("This person belongs to another organisation. They must leave it before joining this one.")
        )
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
        link = _absolute(reverse("network:invitation_accept", kwargs={"token": token}))
        email_send(
            to=email,
            subject=_("You are invited to join %(organisation)s on Harbour") % {"organisation": organisation},
            body=_(
                "%(inviter)s invited you to join %(organisation)s on Harbour as %(role)s.\n\n"
                "Open this link to choose your password. It works once and expires on %(expires)s:\n"
                "%(link)s\n\nIf you did not expect this, ignore this message."
            )
            % {
                "inviter": by.full_name,
                "organisation": organisation,
                "role": Role(role).label,
                "expires": f"{invitation.expires_at:%Y-%m-%d}",
                "link": link,
            },
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


def _throttle_key(email: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


def sign_in_attempt_allowed(*, email: str) -> bool:
    """Counts an attempt before the password or code is checked, so parallel guesses cannot pass the limit.

    More than HARBOUR_SIGN_IN_MAX_FAILURES attempts without a success in the
    window lock the account, not an address, for the rest of the window.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.HARBOUR_SIGN_IN_LOCK_MINUTES)
    with transaction.atomic():
        throttle, _created = SignInThrottle.objects.select_for_update().get_or_create(key=_throttle_key(email))
        if throttle.locked_until and throttle.locked_until > now:
            refused = True
        else:
            if now - throttle.window_started_at > window:
                throttle.failures = 0
                throttle.window_started_at = now
            throttle.failures += 1
            refused = throttle.failures > settings.HARBOUR_SIGN_IN_MAX_FAILURES
            if refused:
                throttle.locked_until = now + window
            throttle.save()
        if refused:
            member = Member.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if member is not None:
                SignInEvent.objects.create(member=member, outcome=SignInEvent.Outcome.LOCKED)
    return not refused


def sign_in_failed(*, member: Member | None, outcome: str) -> None:
    """Keeps a failed attempt in the member's own history, if the email belongs to a member."""
    if member is not None:
        SignInEvent.objects.create(member=member, outcome=outcome)


def sign_in_succeeded(*, member: Member) -> None:
    SignInThrottle.objects.filter(key=_throttle_key(member.email)).delete()
    SignInEvent.objects.create(member=member, outcome=SignInEvent.Outcome.SUCCESS)
    if member.preferred_language != translation.get_language():
        member.preferred_language = translation.get_language() or "en"
        member.save(update_fields=["preferred_language"])


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(*, member: Member, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=member.email, issuer_name=TOTP_ISSUER)


def _accepted_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step a code belongs to (one step of clock drift allowed), if it was not used before."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if candidate > last_step and hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def totp_enrol(*, member: Member, secret: str, code: str) -> bool:
    """Records a first authenticator. Never replaces one: that needs an administrator's reset."""
    step = _accepted_step(secret, code, 0)
    if step is None:
        return False
    with transaction.atomic():
        current = Member.objects.select_for_update().get(pk=member.pk)
        if current.has_two_factor:
            return False
        current.totp_secret = secret
        current.totp_last_step = step
        current.save(update_fields=["totp_secret", "totp_last_step"])
    return True


def totp_verify(*, member: Member, code: str) -> bool:
    """Checks a code and refuses to accept the same code twice."""
    if not member.totp_secret:
        return False
    step = _accepted_step(member.totp_secret, code, member.totp_last_step)
    if step is None:
        return False
    updated = Member.objects.filter(pk=member.pk, totp_last_step__lt=step).update(totp_last_step=step)
    return updated == 1


def password_reset_send(*, email: str) -> None:
    """Emails a reset link if an active account has this email; says nothing either way."""
    member = Member.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if member is None:
        return
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    link = _absolute(reverse("network:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    email_send(
        to=member.email,
        subject=_("Reset your Harbour password"),
        body=_(
            "Someone asked to reset the password of your Harbour account.\n\n"
            "To choose a new password, open this link within an hour:\n%(link)s\n\n"
            "If it was not you, ignore this message: your password has not changed."
        )
        % {"link": link},
    )
