"""Loads the demo network once; re-running keeps what is there and prints the logins again."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from harbour.cases.actions import case_open
from harbour.core.roles import TWO_FACTOR_ROLES, Role
from harbour.demo.directory_load import demo_directory_load
from harbour.demo.stats_load import demo_statistics_load
from harbour.network.models import (
    Announcement,
    Meeting,
    Member,
    Organisation,
    Recommendation,
    RecommendationStatus,
    Reply,
    WorkingGroup,
)

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_network.json"
DEMO_PASSWORD = "harbour-demo-only"  # noqa: S105 - printed for anyone running the demo
# One authenticator key for every demo account, so the demo can be tried with any app.
DEMO_TOTP_SECRET = "HARBOURDEMOONLYHARBOURDEMOONLY23"  # noqa: S105 - printed for the demo


class Command(BaseCommand):
    help = "Load the demonstration network (idempotent) and print one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site-url", default="http://127.0.0.1:8000")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HARBOUR_DEMO:
            raise CommandError(
                "The demo network has published passwords: load it only where HARBOUR_DEMO=true (make run sets it)."
            )
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
        if Organisation.objects.filter(is_demo=True).exists():
            created = False
        else:
            with transaction.atomic():
                self._load(data)
            created = True
        # Announcements, meetings, profiles and tracker entries came later than the first demo
        # network: they are added to a demo loaded before them too, once.
        if not Announcement.objects.filter(is_demo=True).exists():
            with transaction.atomic():
                self._load_network_life(data)
        # The demo directory links its organisations to the demo network's, so it loads second.
        directory_services = demo_directory_load()
        statistics_records = demo_statistics_load()
        if options["quiet"]:
            return
        if directory_services:
            self.stdout.write(f"Demo directory loaded: {directory_services} services.")
        if statistics_records:
            self.stdout.write(f"Demo statistics loaded: {statistics_records} invented records, two releases.")
        # Last, so the URL and the logins are what a newcomer sees when the server starts.
        self._print(data, options["site_url"], created)

    def _load(self, data: dict[str, Any]) -> None:
        organisations: dict[str, Organisation] = {}
        for row in data["organisations"]:
            vetted = row.get("vetted", True)
            organisations[row["key"]] = Organisation.objects.create(
                name=row["name"],
                kind=row["kind"],
                province=row["province"],
                city=row["city"],
                languages=row["languages"],
                vetting_status=Organisation.Vetting.VETTED if vetted else Organisation.Vetting.PENDING,
                vetting_note="Demo organisation." if vetted else "",
                is_demo=True,
            )
        members: dict[str, Member] = {}
        for row in data["members"]:
            member = Member(
                email=row["email"],
                full_name=row["name"],
                organisation=organisations[row["organisation"]],
                role=row["role"],
                is_demo=True,
            )
            member.set_password(DEMO_PASSWORD)
            if row["role"] in TWO_FACTOR_ROLES:
                member.totp_secret = DEMO_TOTP_SECRET
            member.save()
            members[row["key"]] = member
        for row in data["working_groups"]:
            group = WorkingGroup.objects.create(
                name=row["name"],
                city=row["city"],
                province=row["province"],
                representative=members.get(row.get("representative", "")),
                is_demo=True,
            )
            group.organisations.set([organisations[key] for key in row["organisations"]])
        for row in data["cases"]:
            case_open(by=members[row["created_by"]], summary=row["summary"])

    def _load_network_life(self, data: dict[str, Any]) -> None:
        """Demo organisation profiles, announcements with replies, meetings and tracker entries."""
        members = {
            row["key"]: Member.objects.get(email__iexact=row["email"]) for row in data["members"] if "key" in row
        }
        names = {row["key"]: row["name"] for row in data["organisations"]}
        for key, profile in data.get("profiles", {}).items():
            Organisation.objects.filter(name=names[key], is_demo=True).update(
                **profile, profile_updated_at=timezone.now()
            )
        now = timezone.now()
        for row in data.get("announcements", []):
            group = WorkingGroup.objects.get(name=row["working_group"]) if row.get("working_group") else None
            sent_at = now - timedelta(days=row["days_ago"])
            announcement = Announcement.objects.create(
                author=members[row["author"]],
                audience=row["audience"],
                working_group=group,
                province=row.get("province", ""),
                open_to_liaisons=row.get("open_to_liaisons", False),
                subject=row["subject"],
                body=row["body"],
                sent_at=sent_at,
                is_demo=True,
            )
            for number, reply in enumerate(row.get("replies", []), start=1):
                Reply.objects.create(
                    announcement=announcement,
                    author=members[reply["author"]],
                    body=reply["body"],
                    posted_at=sent_at + timedelta(hours=number),
                )
        for row in data.get("meetings", []):
            day = timezone.localtime(now + timedelta(days=row["in_days"]))
            Meeting.objects.create(
                title=row["title"],
                audience=row["audience"],
                working_group=WorkingGroup.objects.get(name=row["working_group"]) if row.get("working_group") else None,
                starts_at=day.replace(hour=row["hour"], minute=0, second=0, microsecond=0),
                place=row.get("place", ""),
                online_link=row.get("online_link", ""),
                agenda=row.get("agenda", ""),
                minutes=row.get("minutes", ""),
                created_by=members[row["created_by"]],
                is_demo=True,
            )
        coordinator = next(m for m in members.values() if m.is_coordinator)
        for row in data.get("recommendation_statuses", []):
            RecommendationStatus.objects.create(
                recommendation=Recommendation.objects.get(code=row["code"]),
                status=row["status"],
                date=date.fromisoformat(row["date"]),
                evidence=row["evidence"],
                recorded_by=coordinator,
                is_demo=True,
            )

    def _print(self, data: dict[str, Any], site_url: str, created: bool) -> None:
        write = self.stdout.write
        write("")
        write("Demo network " + ("loaded." if created else "already loaded; keeping its data."))
        write(f"Harbour runs at {site_url.rstrip('/')}/")
        write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        seen: set[str] = set()
        for row in data["members"]:
            if row["role"] in seen:
                continue
            seen.add(row["role"])
            write(f"  {Role(row['role']).label:<40} {row['email']}")
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        write(f"Two-factor key for demo accounts: {DEMO_TOTP_SECRET} (add it to an authenticator app;")
        write(f"  the current code is {code}; `make demo-code` prints a fresh one).")
        write("")
