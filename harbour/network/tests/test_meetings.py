"""Meetings: who sees them, their reports behind an access check, and one reminder each."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.network import actions
from harbour.network.models import Audience, Delivery, Meeting, MeetingReport
from harbour.network.tests.conftest import Groups, Inbox, body_of
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _meeting(cast: Cast, groups: Groups, *, in_hours: float = 5, **extra: Any) -> Meeting:
    fields: dict[str, Any] = {
        "title": "Toronto working group",
        "audience": Audience.WORKING_GROUP,
        "working_group": groups.toronto,
        "starts_at": timezone.now() + timedelta(hours=in_hours),
        "place": "Library, room 2",
        "agenda": "1. Winter shelter beds",
        "created_by": cast.cora,
        **extra,
    }
    return Meeting.objects.create(**fields)


def test_a_reminder_goes_once_to_the_groups_members_with_a_calendar_file(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    actions.delivery_set(member=cast.hana, delivery=Delivery.NONE)
    soon = _meeting(cast, groups)
    _meeting(cast, groups, in_hours=72, title="Later")
    _meeting(cast, groups, in_hours=-2, title="Already started")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders")
    # Everyone in the group except hana, who wants no network email; digest readers are reminded too.
    assert smtp.recipients() == {"alice@cast.example", "bob@cast.example"}
    (message,) = smtp.to("bob@cast.example")
    assert "Toronto working group" in message["Subject"]
    assert "Library, room 2" in body_of(message) and "Winter shelter beds" in body_of(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (calendar,) = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    text = calendar.get_content()
    assert "BEGIN:VEVENT" in text and f"UID:meeting-{soon.pk}@harbour.invalid" in text
    assert f"DTSTART:{soon.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in text

    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders")
    assert smtp.received == []
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None


def test_a_moved_meeting_is_reminded_again_for_its_new_date(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = _meeting(cast, groups)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders")
    assert len(smtp.to("alice@cast.example")) == 1
    new_start = timezone.localtime(meeting.starts_at + timedelta(hours=3))
    response = signed_in(cast.cora).post(
        reverse("network:meeting_edit", args=[meeting.pk]),
        {
            "send_to": f"group:{groups.toronto.pk}",
            "title": meeting.title,
            "starts_at": f"{new_start:%Y-%m-%dT%H:%M}",
            "place": meeting.place,
            "agenda": meeting.agenda,
        },
    )
    assert response.status_code == 302
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders")
        call_command("send_meeting_reminders")
    (reminder,) = smtp.to("alice@cast.example")
    assert f"{new_start:%Y-%m-%d %H:%M}" in reminder["Subject"]


def test_line_breaks_in_a_meeting_stay_inside_their_calendar_property(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _meeting(cast, groups, place="Library\r\nATTENDEE:mailto:someone@elsewhere.example\rroom 2")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders")
    (message,) = smtp.to("alice@cast.example")
    (calendar,) = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    lines = calendar.get_content().splitlines()
    assert "LOCATION:Library\\nATTENDEE:mailto:someone@elsewhere.example\\nroom 2" in lines
    assert not any(line.startswith("ATTENDEE") for line in lines)


def test_liaisons_are_reminded_only_of_meetings_opened_to_them(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _meeting(cast, groups, audience=Audience.NETWORK, working_group=None, title="NGOs only")
    _meeting(cast, groups, audience=Audience.NETWORK, working_group=None, title="Open", open_to_liaisons=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders")
    assert ["Open" in message["Subject"] for message in smtp.to("lee@cast.example")] == [True]
    assert len(smtp.to("rhea@cast.example")) == 2
    assert smtp.to("pat@cast.example") == []


def test_group_meetings_and_their_reports_stay_inside_the_group(cast: Cast, groups: Groups) -> None:
    meeting = _meeting(cast, groups)
    upload = SimpleUploadedFile("minutes.txt", b"Minutes of the Toronto group", content_type="text/plain")
    response = signed_in(cast.cora).post(
        reverse("network:meeting_detail", args=[meeting.pk]), {"title": "Minutes", "file": upload}
    )
    assert response.status_code == 302
    report = MeetingReport.objects.get()
    assert "minutes" not in Path(report.file.name).name  # stored under a random name
    url = reverse("network:meeting_report", args=[report.pk])
    response = signed_in(cast.bob).get(url)
    assert response.status_code == 200
    assert response.content == b"Minutes of the Toronto group"
    assert "attachment" in response["Content-Disposition"]
    for outsider in (cast.carol, cast.lee, cast.rhea):
        assert signed_in(outsider).get(url).status_code == 404
        assert signed_in(outsider).get(reverse("network:meeting_detail", args=[meeting.pk])).status_code == 404
        assert b"Toronto working group" not in signed_in(outsider).get(reverse("network:meetings")).content
    assert Client().get(url).status_code == 302  # to sign in


def test_the_uploaders_file_name_is_kept_nowhere(cast: Cast, groups: Groups) -> None:
    """A file name may name a person: neither the database nor the download keeps it."""
    meeting = _meeting(cast, groups)
    upload = SimpleUploadedFile("statement of Maria Lopez.pdf", b"%PDF-1.7\n%x\n", content_type="application/pdf")
    response = signed_in(cast.cora).post(
        reverse("network:meeting_detail", args=[meeting.pk]), {"title": "Minutes", "file": upload}
    )
    assert response.status_code == 302
    report = MeetingReport.objects.get()
    stored = [str(value) for value in MeetingReport.objects.values_list().get()]
    assert not [value for value in stored if "Maria" in value or "statement" in value]
    download = signed_in(cast.bob).get(reverse("network:meeting_report", args=[report.pk]))
    assert "Maria" not in download["Content-Disposition"] and download["Content-Disposition"].endswith('.pdf"')
    page = signed_in(cast.bob).get(reverse("network:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Maria" not in page and "(PDF)" in page


def test_only_organisers_attach_reports_and_only_document_files(cast: Cast, groups: Groups) -> None:
    meeting = _meeting(cast, groups)
    url = reverse("network:meeting_detail", args=[meeting.pk])
    upload = SimpleUploadedFile("notes.txt", b"x", content_type="text/plain")
    assert signed_in(cast.bob).post(url, {"title": "Mine", "file": upload}).status_code == 403
    program = SimpleUploadedFile("minutes.exe", b"MZ", content_type="application/octet-stream")
    response = signed_in(cast.cora).post(url, {"title": "Kept title", "file": program})
    assert response.status_code == 200
    assert b"Kept title" in response.content
    assert MeetingReport.objects.count() == 0


def test_a_report_is_served_as_the_type_its_name_and_content_show_never_the_one_the_browser_claims(
    cast: Cast, groups: Groups
) -> None:
    meeting = _meeting(cast, groups)
    url = reverse("network:meeting_detail", args=[meeting.pk])
    client = signed_in(cast.cora)
    disguised = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    response = client.post(url, {"title": "Disguised", "file": disguised})
    assert response.status_code == 200
    assert b"Disguised" in response.content
    binary_text = SimpleUploadedFile("notes.txt", b"MZ\x00\x00", content_type="text/plain")
    assert client.post(url, {"title": "Binary", "file": binary_text}).status_code == 200
    assert MeetingReport.objects.count() == 0

    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%minutes\n", content_type="text/html")
    assert client.post(url, {"title": "Minutes", "file": pdf}).status_code == 302
    report = MeetingReport.objects.get()
    assert report.content_type == "application/pdf"
    response = signed_in(cast.bob).get(reverse("network:meeting_report", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="harbour-meeting-report-{report.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_scheduling_a_meeting_needs_a_place_or_a_link_and_keeps_what_was_typed(cast: Cast, groups: Groups) -> None:
    client = signed_in(cast.cora)
    url = reverse("network:meeting_new")
    form = {
        "send_to": "network",
        "title": "National meeting",
        "starts_at": "2030-02-05T14:30",
        "agenda": "Launch the strategy",
    }
    assert b"Never write about a person here" in client.get(url).content
    response = client.post(url, form)
    assert response.status_code == 200
    assert b"Launch the strategy" in response.content
    response = client.post(url, {**form, "online_link": "meet.example.org/national"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.online_link == "https://meet.example.org/national"
    assert meeting.working_group is None
    assert timezone.localtime(meeting.starts_at).hour == 14
    assert signed_in(cast.bob).get(url).status_code == 403
    assert signed_in(cast.bob).get(reverse("network:meeting_detail", args=[meeting.pk])).status_code == 200
    assert signed_in(cast.lee).get(reverse("network:meeting_detail", args=[meeting.pk])).status_code == 404


def test_the_representative_organises_their_groups_meetings_only(cast: Cast, groups: Groups) -> None:
    groups.toronto.representative = cast.alice
    groups.toronto.save()
    own = _meeting(cast, groups)
    other = _meeting(cast, groups, working_group=groups.winnipeg, title="Winnipeg")
    client = signed_in(cast.alice)
    assert client.get(reverse("network:meeting_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("network:meeting_edit", args=[other.pk])).status_code == 404
    with pytest.raises(actions.ActionRefused):
        actions.meeting_save(
            by=cast.alice, meeting=Meeting(audience=Audience.NETWORK, title="x", starts_at=timezone.now())
        )


@pytest.mark.parametrize("typed", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_meeting_in_an_impossible_year_is_refused_with_a_message(cast: Cast, typed: str) -> None:
    response = signed_in(cast.cora).post(
        reverse("network:meeting_new"),
        {"send_to": "network", "title": "Far away", "starts_at": typed, "place": "Room 1"},
    )
    assert response.status_code == 200
    assert "Give a year between 2000 and 2100" in response.content.decode()
    assert not Meeting.objects.exists()
