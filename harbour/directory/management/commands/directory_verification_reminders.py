"""Emails administrators whose services reach six months without verification (run daily by a timer)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harbour.directory.actions import verification_reminders_send


class Command(BaseCommand):
    help = "Remind organisation administrators to verify directory services not verified for six months."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="act as if today were this date")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = verification_reminders_send(today=options.get("date"))
        self.stdout.write(f"Sent {sent} reminder(s).")
