"""Prints the current two-factor code of the demo accounts."""

from __future__ import annotations

from typing import Any

import pyotp
from django.core.management.base import BaseCommand

from harbour.demo.management.commands.load_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code for demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(pyotp.TOTP(DEMO_TOTP_SECRET).now())
