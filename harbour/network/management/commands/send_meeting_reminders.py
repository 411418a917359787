"""Reminds members of meetings that start soon; meant for an hourly timer (each meeting is reminded once)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from harbour.network.actions import meeting_reminders_send


class Command(BaseCommand):
    help = "Email a reminder, with a calendar file, for meetings starting within HARBOUR_MEETING_REMINDER_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = meeting_reminders_send()
        self.stdout.write(f"{reminded} meetings reminded (window {settings.HARBOUR_MEETING_REMINDER_HOURS} h)")
