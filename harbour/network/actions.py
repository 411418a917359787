"""Writes to the network that have side effects: emails, vetting, invitations, sign-in records,
announcements and digests, meetings and reminders, profiles, recommendation progress."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from datetime import date as date_type
from pathlib import Path

import pyotp
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from harbour.core.mail import email_send
from harbour.core.roles import Role
from harbour.network.models import (
    ROLE_DEFAULT_DELIVERY,
    Announcement,
    Audience,
    Delivery,
    Invitation,
    Meeting,
    MeetingReport,
    Member,
    Organisation,
    Recommendation,
    RecommendationStatus,
    Reply,
    SignInEvent,
    SignInThrottle,
    WorkingGroup,
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
            link = _absolute(reverse("network:invitation_accept", kwargs={"token": token}))
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


# Announcements, meetings, profiles and the recommendation tracker.

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


def _list_mail(
    member: Member, *, subject: str, body: str, attachments: list[tuple[str, str, str]] | None = None
) -> None:
    """Network email to one member, with the one-click unsubscribe of RFC 8058 and links to change it."""
    unsubscribe = _absolute(reverse("network:unsubscribe", kwargs={"token": unsubscribe_token(member)}))
    footer = _(
        "You receive this as a member of the Harbour network.\n"
        "Choose every message, a daily digest or none: %(preferences)s\n"
        "Stop all network email: %(unsubscribe)s"
    ) % {"preferences": _absolute(reverse("network:delivery_preference")), "unsubscribe": unsubscribe}
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
                _list_mail(
                    member,
                    subject=f"[Harbour] {subject}",
                    body=_("%(author)s (%(organisation)s) to %(audience)s:\n\n%(body)s\n\nRead and reply: %(link)s")
                    % {
                        "author": by.full_name,
                        "organisation": by.organisation.name,
                        "audience": announcement.audience_label(),
                        "body": body,
                        "link": _absolute(
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
                        "link": _absolute(reverse("network:announcement_detail", kwargs={"announcement_id": item.pk})),
                    }
                    for item in items
                ]
                _list_mail(
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


def meeting_save(*, by: Member, meeting: Meeting) -> Meeting:
    """Schedules or changes a meeting (the form fills it); only whoever may address its audience."""
    if not may_address(by, audience=meeting.audience, working_group=meeting.working_group):
        raise ActionRefused(_("Only coordinators, or a working group's representative for that group, can do this."))
    if meeting.audience != Audience.WORKING_GROUP:
        meeting.working_group = None
    if meeting.pk is None:
        meeting.created_by = by
    elif meeting.reminder_sent_at is not None:
        before = Meeting.objects.filter(pk=meeting.pk).values_list("starts_at", flat=True).first()
        if before != meeting.starts_at:
            meeting.reminder_sent_at = None  # moved: its audience is reminded of the new date
    meeting.save()
    return meeting


def meeting_report_attach(*, by: Member, meeting: Meeting, title: str, upload: UploadedFile) -> MeetingReport:
    if not may_address(by, audience=meeting.audience, working_group=meeting.working_group):
        raise ActionRefused(_("Only the meeting's organisers can attach reports."))
    # The uploader's file name (it may name a person) decides the kind and is then forgotten.
    upload.seek(0)
    content_type = MeetingReport.kind_of(Path(upload.name or "").name, upload.read(8192))
    upload.seek(0)
    if content_type is None:
        raise ActionRefused(_("This kind of file cannot be attached."))
    report = MeetingReport(meeting=meeting, title=title, content_type=content_type, uploaded_by=by)
    report.file.save("report", upload, save=False)
    report.save()
    return report


def _ics(meeting: Meeting) -> str:
    """A one-event iCalendar file (RFC 5545) for the reminder."""

    def stamp(moment: datetime) -> str:
        return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"

    def text(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return "\\n".join(escaped.splitlines())  # a line break never starts a new property

    end = meeting.ends_at or meeting.starts_at + timedelta(hours=1)
    where = meeting.place or meeting.online_link
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Harbour//Network meetings//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@harbour.invalid",
        f"DTSTAMP:{stamp(timezone.now())}",
        f"DTSTART:{stamp(meeting.starts_at)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{text(meeting.title)}",
        f"LOCATION:{text(where)}",
        f"URL:{_absolute(reverse('network:meeting_detail', kwargs={'meeting_id': meeting.pk}))}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Reminds the audience of each meeting starting within the reminder window; each meeting once."""
    now = now or timezone.now()
    window = timedelta(hours=settings.HARBOUR_MEETING_REMINDER_HOURS)
    due = Meeting.objects.filter(reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=now + window)
    reminded = 0
    for meeting in due.select_related("working_group"):
        with transaction.atomic():
            # Claimed before sending, so a second run (or a second timer) sends nothing.
            if not Meeting.objects.filter(pk=meeting.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue
            calendar = _ics(meeting)
            for member in meeting.audience_members():
                if member.delivery == Delivery.NONE:
                    continue
                with translation.override(member.preferred_language):
                    starts = timezone.localtime(meeting.starts_at)
                    _list_mail(
                        member,
                        subject=_("[Harbour] Reminder: %(title)s, %(date)s")
                        % {"title": meeting.title, "date": f"{starts:%Y-%m-%d %H:%M}"},
                        body=_(
                            "%(title)s, for %(audience)s\nWhen: %(date)s (%(zone)s)\nWhere: %(where)s\n\n"
                            "Agenda:\n%(agenda)s\n\nDetails and reports: %(link)s"
                        )
                        % {
                            "title": meeting.title,
                            "audience": meeting.audience_label(),
                            "date": f"{starts:%Y-%m-%d %H:%M}",
                            "zone": settings.TIME_ZONE,
                            "where": meeting.place or meeting.online_link,
                            "agenda": meeting.agenda or _("(none yet)"),
                            # In the member's language, like the rest of the email.
                            "link": _absolute(reverse("network:meeting_detail", kwargs={"meeting_id": meeting.pk})),
                        },
                        attachments=[("meeting.ics", calendar, "text/calendar")],
                    )
            reminded += 1
    return reminded


def organisation_profile_save(*, by: Member, organisation: Organisation) -> Organisation:
    """Saves the profile the form filled in; only the organisation's own administrators."""
    if not (by.is_org_admin and by.organisation_id == organisation.pk):
        raise ActionRefused(_("Only your organisation's administrators can change its profile."))
    organisation.profile_updated_at = timezone.now()
    organisation.save()
    return organisation


def recommendation_status_add(
    *, by: Member, recommendation: Recommendation, status: str, date: date_type, evidence: str, link: str = ""
) -> RecommendationStatus:
    """Adds a dated step to a recommendation's history; the newest date is its current status."""
    if not by.is_coordinator:
        raise ActionRefused(_("Only network coordinators can record a recommendation's progress."))
    return RecommendationStatus.objects.create(
        recommendation=recommendation, status=status, date=date, evidence=evidence, link=link, recorded_by=by
    )
