"""Announcements and replies, email delivery preferences, digests and one-click unsubscribe."""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from harbour.core.mail import email_send
from harbour.core.roles import Role
from harbour.network.actions.common import ActionRefused, absolute_url
from harbour.network.models import (
    ROLE_DEFAULT_DELIVERY,
    Announcement,
    Audience,
    Delivery,
    Member,
    Organisation,
    Reply,
    WorkingGroup,
)

UNSUBSCRIBE_SALT = "harbour.network.unsubscribe"


def unsubscribe_token(member: Member) -> str:
    """A signed token that lets whoever holds the member's email stop network email, without signing in.

    Base64 of the signed member id: only letters, digits, "-" and "_", and long, so the
    access log cuts it out of the path like any other link token (harbour/gunicorn_logging.py).
    """
    return urlsafe_base64_encode(signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(member.pk)).encode())


def member_for_unsubscribe_token(token: str) -> Member | None:
    try:
        member_id = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(urlsafe_base64_decode(token).decode()))
    except (ValueError, UnicodeDecodeError, signing.BadSignature):
        return None
    return Member.objects.filter(pk=member_id, is_active=True).first()


def list_mail_send(
    member: Member, *, subject: str, body: str, attachments: list[tuple[str, str, str]] | None = None
) -> None:
    """Network email to one member, with the one-click unsubscribe of RFC 8058 and links to change it."""
    unsubscribe = absolute_url(reverse("network:unsubscribe", kwargs={"token": unsubscribe_token(member)}))
    footer = _(
        "You receive this as a member of the Harbour network.\n"
        "Choose every message, a daily digest or none: %(preferences)s\n"
        "Stop all network email: %(unsubscribe)s"
    ) % {"preferences": absolute_url(reverse("network:delivery_preference")), "unsubscribe": unsubscribe}
    email_send(
        to=member.email,
        # A header holds one line: a line break typed into a title would make every copy fail to send.
        subject=subject,
        body=f"{body}\n\n-- \n{footer}\n",
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Harbour network <network.harbour.invalid>",
            "Auto-Submitted": "auto-generated",
        },
        attachments=attachments,
    )


def _may_represent(member: Member) -> bool:
    # The seeds keep the network to NGOs and liaise with government through it: never the reverse.
    return member.role != Role.LIAISON and not member.organisation.is_state


def may_address(member: Member, *, audience: str, working_group: WorkingGroup | None) -> bool:
    """Coordinators write to any audience; a city representative writes to their own working group."""
    if member.is_coordinator:
        return True
    return (
        _may_represent(member)
        and audience == Audience.WORKING_GROUP
        and working_group is not None
        and working_group.representative_id == member.pk
    )


def may_address_anything(member: Member) -> bool:
    return member.is_coordinator or (
        _may_represent(member) and WorkingGroup.objects.filter(representative=member).exists()
    )


def announcement_send(
    *,
    by: Member,
    audience: str,
    subject: str,
    body: str,
    working_group: WorkingGroup | None = None,
    province: str = "",
    open_to_liaisons: bool = False,
) -> Announcement:
    """Files an announcement in the archive and emails it now to members who want every message."""
    if not may_address(by, audience=audience, working_group=working_group):
        raise ActionRefused(_("Only coordinators, or a working group's representative for that group, can send this."))
    with transaction.atomic():
        announcement = Announcement.objects.create(
            author=by,
            audience=audience,
            working_group=working_group if audience == Audience.WORKING_GROUP else None,
            province=province if audience == Audience.PROVINCE else "",
            open_to_liaisons=open_to_liaisons,
            subject=subject,
            body=body,
        )
        for member in announcement.audience_members():
            if member.delivery != Delivery.EVERY:
                continue
            with translation.override(member.preferred_language):
                list_mail_send(
                    member,
                    subject=f"[Harbour] {subject}",
                    body=_("%(author)s (%(organisation)s) to %(audience)s:\n\n%(body)s\n\nRead and reply: %(link)s")
                    % {
                        "author": by.full_name,
                        "organisation": by.organisation.name,
                        "audience": announcement.audience_label(),
                        "body": body,
                        "link": absolute_url(
                            reverse("network:announcement_detail", kwargs={"announcement_id": announcement.pk})
                        ),
                    },
                )
    return announcement


def reply_post(*, by: Member, announcement: Announcement, body: str) -> Reply:
    if not Announcement.objects.visible_to(by).filter(pk=announcement.pk).exists():
        raise ActionRefused(_("You cannot reply to this announcement."))
    return Reply.objects.create(announcement=announcement, author=by, body=body)


def delivery_set(*, member: Member, delivery: str) -> None:
    """Records the member's choice. A digest chosen now starts now: what came before was emailed or not wanted."""
    fields = ["announcement_delivery"]
    if delivery == Delivery.DIGEST and member.delivery != Delivery.DIGEST:
        member.last_digest_at = timezone.now()
        fields.append("last_digest_at")
    member.announcement_delivery = delivery
    member.save(update_fields=fields)


def member_unsubscribe(*, member: Member) -> None:
    """Stops all network email to the member; account email (invitations, password resets) still arrives."""
    delivery_set(member=member, delivery=Delivery.NONE)


def _digest_readers() -> models.QuerySet[Member]:
    by_default = [role for role in Role.values if ROLE_DEFAULT_DELIVERY.get(role, Delivery.DIGEST) == Delivery.DIGEST]
    return Member.objects.filter(
        Q(announcement_delivery=Delivery.DIGEST) | Q(announcement_delivery="", role__in=by_default),
        is_active=True,
        organisation__vetting_status=Organisation.Vetting.VETTED,
    ).select_related("organisation")


def digests_send(*, now: datetime | None = None) -> int:
    """Sends each digest reader one email with what was addressed to them since their last digest.

    Safe to run twice, or on two machines: a member's digest is claimed by moving
    `last_digest_at` from the value that was read, and only the run that moved it sends.
    """
    now = now or timezone.now()
    sent = 0
    for member in _digest_readers():
        since = member.last_digest_at or member.date_joined
        items = list(
            Announcement.objects.addressed_to(member)
            .filter(sent_at__gt=since, sent_at__lte=now)
            .select_related("author__organisation", "working_group")
            .order_by("sent_at", "id")
        )
        with transaction.atomic():
            claimed = Member.objects.filter(pk=member.pk, last_digest_at=member.last_digest_at).update(
                last_digest_at=now
            )
            if not claimed or not items:
                continue
            with translation.override(member.preferred_language):
                parts = [
                    _("%(subject)s\n%(author)s (%(organisation)s) to %(audience)s, %(date)s\n\n%(body)s\n\n%(link)s")
                    % {
                        "subject": item.subject,
                        "author": item.author.full_name,
                        "organisation": item.author.organisation.name,
                        "audience": item.audience_label(),
                        "date": f"{timezone.localtime(item.sent_at):%Y-%m-%d %H:%M}",
                        "body": item.body,
                        "link": absolute_url(
                            reverse("network:announcement_detail", kwargs={"announcement_id": item.pk})
                        ),
                    }
                    for item in items
                ]
                list_mail_send(
                    member,
                    subject=ngettext(
                        "[Harbour] Daily digest: %(count)d message",
                        "[Harbour] Daily digest: %(count)d messages",
                        len(items),
                    )
                    % {"count": len(items)},
                    body="\n\n* * *\n\n".join(parts),
                )
            sent += 1
    return sent
