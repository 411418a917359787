"""Sends the daily digest of announcements; meant for a daily timer (running it twice sends nothing new)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from harbour.network.actions import digests_send


class Command(BaseCommand):
    help = "Email each member who chose the daily digest what was addressed to them since their last digest."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digests_send()
        self.stdout.write(f"{sent} digests sent")
