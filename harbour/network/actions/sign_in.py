"""Sign-in records and throttling, two-factor codes, and password reset emails."""

from __future__ import annotations

import hashlib
import hmac
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
from harbour.network.actions.common import absolute_url
from harbour.network.models import Member, SignInEvent, SignInThrottle

TOTP_ISSUER = "Harbour"


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
    link = absolute_url(reverse("network:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
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
