"""The only email cases send: something is waiting. It never says anything about the person."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from harbour.core.mail import email_send
from harbour.core.roles import CASE_WRITERS
from harbour.network.models import Member


def referral_waiting(organisation_id: int) -> None:
    """Tells the receiving organisation's case workers and administrators that a referral is waiting."""
    for member in Member.objects.filter(organisation_id=organisation_id, is_active=True, role__in=CASE_WRITERS):
        with translation.override(getattr(member, "language", "") or "en"):
            email_send(
                to=member.email,
                subject=_("Harbour: a referral is waiting"),
                body=_("A referral is waiting for your organisation in Harbour. Sign in to read it."),
            )
