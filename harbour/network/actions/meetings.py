"""Meetings, their reports, and the reminders sent before them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from harbour.network.actions.announcements import list_mail_send, may_address
from harbour.network.actions.common import ActionRefused, absolute_url
from harbour.network.models import Audience, Delivery, Meeting, MeetingReport, Member


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
        f"URL:{absolute_url(reverse('network:meeting_detail', kwargs={'meeting_id': meeting.pk}))}",
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
                    list_mail_send(
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
                            "link": absolute_url(reverse("network:meeting_detail", kwargs={"meeting_id": meeting.pk})),
                        },
                        attachments=[("meeting.ics", calendar, "text/calendar")],
                    )
            reminded += 1
    return reminded
