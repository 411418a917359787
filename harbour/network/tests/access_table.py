"""Who may use each page the network issue added (the foundation's network pages are in core's table)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from harbour.network.actions import unsubscribe_token
from harbour.network.models import (
    Announcement,
    Audience,
    Meeting,
    MeetingReport,
    Recommendation,
    WorkingGroup,
)
from harbour.testing import EVERYONE, VETTED_MEMBERS, Cast

# Harbour House's working group: its staff and cora (who coordinates the network) get in;
# carol and omar (another group) get a 404, as do lee and rhea, to whom it is not addressed.
TORONTO_GROUP = {"alice", "bob", "hana", "cora"}

EXPECTED: dict[str, AbstractSet[str]] = {
    "network:announcements": VETTED_MEMBERS,
    # Coordinators, and a group's representative (none in the walk's cast).
    "network:announcement_new": {"cora"},
    "network:announcement_detail": TORONTO_GROUP,
    "network:announcement_reply": TORONTO_GROUP,
    "network:delivery_preference": VETTED_MEMBERS,
    # A valid token: the confirmation page opens for anyone holding the link, signed in or not.
    "network:unsubscribe": EVERYONE,
    "network:meetings": VETTED_MEMBERS,
    "network:meeting_new": {"cora"},
    "network:meeting_detail": TORONTO_GROUP,
    "network:meeting_edit": {"cora"},
    "network:meeting_report": TORONTO_GROUP,
    "network:partners": VETTED_MEMBERS,
    "network:organisation_profile": VETTED_MEMBERS,
    "network:organisation_profile_edit": {"alice", "omar"},
    "network:recommendations": EVERYONE,
    "network:recommendation_detail": EVERYONE,
    "network:recommendation_status_add": {"cora"},
}

SAMPLE_REPORT = "network/meeting-reports/access-walk-sample"


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    group, _ = WorkingGroup.objects.get_or_create(name="Toronto", city="Toronto", province="ON")
    group.organisations.add(cast.harbour_house)
    announcement, _ = Announcement.objects.get_or_create(
        subject="Walk: Toronto group only",
        defaults={"author": cast.cora, "audience": Audience.WORKING_GROUP, "working_group": group, "body": "x"},
    )
    meeting, _ = Meeting.objects.get_or_create(
        title="Walk: Toronto group meeting",
        defaults={
            "audience": Audience.WORKING_GROUP,
            "working_group": group,
            "starts_at": timezone.now() + timedelta(days=3),
            "place": "Community room",
            "created_by": cast.cora,
        },
    )
    # One small file, reused by every walk (the report view must find a file to serve).
    if not default_storage.exists(SAMPLE_REPORT):
        default_storage.save(SAMPLE_REPORT, ContentFile(b"minutes"))
    report, _ = MeetingReport.objects.get_or_create(
        meeting=meeting,
        title="Walk report",
        defaults={
            "file": SAMPLE_REPORT,
            "content_type": "text/plain",
            "uploaded_by": cast.cora,
        },
    )
    # Seeded by a data migration, but a transactional test's flush may have emptied the table.
    recommendation, _ = Recommendation.objects.get_or_create(
        code="2003-policy-01",
        defaults={"source": "ccr-2003", "section": "3.D.1", "text": "x", "theme": "research", "level": "federal"},
    )
    return {
        "network:announcement_detail": {"announcement_id": announcement.pk},
        "network:announcement_reply": {"announcement_id": announcement.pk},
        "network:unsubscribe": {"token": unsubscribe_token(cast.bob)},
        "network:meeting_detail": {"meeting_id": meeting.pk},
        "network:meeting_edit": {"meeting_id": meeting.pk},
        "network:meeting_report": {"report_id": report.pk},
        "network:organisation_profile": {"organisation_id": cast.harbour_house.pk},
        "network:recommendation_detail": {"code": recommendation.code},
        "network:recommendation_status_add": {"code": recommendation.code},
    }
