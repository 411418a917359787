"""The only emails cases send: something is waiting or changed. They never say anything about the person."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from harbour.core.mail import email_send
from harbour.core.roles import CASE_WRITERS, Role
from harbour.network.models import Member


def _tell_case_writers(organisation_id: int, subject: Callable[[], str], body: Callable[[], str]) -> None:
    """One email to each of the organisation's case workers and administrators, in their own language."""
    for member in Member.objects.filter(organisation_id=organisation_id, is_active=True, role__in=CASE_WRITERS):
        with translation.override(member.preferred_language or "en"):
            email_send(to=member.email, subject=subject(), body=body())


def referral_waiting(organisation_id: int) -> None:
    """Tells the receiving organisation's case workers and administrators that a referral is waiting."""
    _tell_case_writers(
        organisation_id,
        lambda: _("Harbour: a referral is waiting"),
        lambda: _("A referral is waiting for your organisation in Harbour. Sign in to read it."),
    )


def referral_changed(organisation_id: int) -> None:
    """Tells the receiving organisation's case workers and administrators that a referral changed.

    Sent when the person withdraws the consent a referral went under; what changed, and
    for which case, is shown only behind the sign-in.
    """
    _tell_case_writers(
        organisation_id,
        lambda: _("Harbour: something changed on a referral"),
        lambda: _("Something changed on a referral your organisation received in Harbour. Sign in to see it."),
    )


def emergency_access_used(*, organisation_id: int, owner_id: int | None) -> None:
    """Tells the case's owner and the organisation's administrators that emergency access was used.

    Only that it happened: not the case, not the person, not who asked. The audit log, behind
    the sign-in, says who, when and why.
    """
    told = Member.objects.filter(organisation_id=organisation_id, is_active=True).filter(
        Q(role=Role.ORG_ADMIN) | Q(pk=owner_id)
    )
    for member in told:
        with translation.override(member.preferred_language or "en"):
            email_send(
                to=member.email,
                subject=_("Harbour: emergency access to one of your organisation's cases"),
                body=_(
                    "Someone used emergency access to one of your organisation's cases in Harbour. "
                    "Sign in to see who, when and why."
                ),
            )
