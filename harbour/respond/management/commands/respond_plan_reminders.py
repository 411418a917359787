"""Emails the owners of stale response plans, or of plans linking to hidden or out-of-date entries (daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harbour.respond.actions import plan_reminders_send


class Command(BaseCommand):
    help = "Remind plan owners when a response plan is due for review or links to a hidden or out-of-date entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="act as if today were this date")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = plan_reminders_send(today=options.get("date"))
        self.stdout.write(f"Sent {sent} reminder(s).")
