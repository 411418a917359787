"""The demo network comes with announcements, a meeting, profiles and tracker entries, loaded once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from harbour.network.models import Announcement, Meeting, Member, Organisation, RecommendationStatus, Reply

pytestmark = pytest.mark.django_db


def test_the_demo_network_has_announcements_meetings_profiles_and_tracker_entries(settings: Any) -> None:
    settings.HARBOUR_DEMO = True
    call_command("load_demo", "--quiet")
    call_command("load_demo", "--quiet")
    assert Announcement.objects.filter(is_demo=True).count() == 3
    assert Reply.objects.filter(announcement__is_demo=True).count() == 3
    assert Meeting.objects.filter(is_demo=True).count() == 2
    assert Organisation.objects.exclude(description="").count() >= 5
    assert RecommendationStatus.objects.filter(is_demo=True, evidence__startswith="Demo entry:").count() == 3
    # The group announcement stays in its group, as any other would.
    outsider = Member.objects.get(email="admin.montreal@demo.harbour.invalid")
    group_only = Announcement.objects.get(subject__startswith="Winter beds")
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("network:announcement_detail", args=[group_only.pk])).status_code == 404
