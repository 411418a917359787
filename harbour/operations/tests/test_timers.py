"""The shipped systemd units run the daily jobs: the retention job, once a day, with the real command."""

from __future__ import annotations

import configparser
import re
import shlex
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands

UNITS = Path(settings.BASE_DIR) / "deploy" / "systemd"
# systemd's "daily", or a calendar event that fires once a day at a fixed time ("*-*-* 03:30:00").
DAILY = re.compile(r"daily|\*-\*-\* \d{1,2}:\d{2}(:\d{2})?")


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are case-sensitive
    with (UNITS / name).open(encoding="utf-8") as file:
        unit.read_file(file)
    return unit


def _manage_arguments(service: configparser.ConfigParser, instance: str = "") -> list[str]:
    """What the service asks manage.py to do: the arguments after `manage.py` in ExecStart (`%i`: `instance`)."""
    argv = shlex.split(service["Service"]["ExecStart"].replace("%i", instance))
    assert argv[0].endswith("/python") and argv[1] == "manage.py", argv
    return argv[2:]


def _started_by(timer_name: str) -> tuple[configparser.ConfigParser, list[str]]:
    """The service unit a timer starts (a template's file for `name@instance.service`) and its manage.py arguments."""
    unit = _unit(timer_name)["Timer"]["Unit"]
    if "@" in unit:
        template, instance = unit.removesuffix(".service").split("@", 1)
        assert instance, unit
        service = _unit(f"{template}@.service")
        return service, _manage_arguments(service, instance)
    service = _unit(unit)
    return service, _manage_arguments(service)


# Every periodic job docs/scale.md names, with the schedule it needs.
JOBS = {
    "harbour-retention.timer": (["run_retention"], DAILY),
    "harbour-digests.timer": (["send_digests"], DAILY),
    "harbour-meeting-reminders.timer": (["send_meeting_reminders"], re.compile("hourly")),
    "harbour-plan-reminders.timer": (["respond_plan_reminders"], DAILY),
    "harbour-verification-reminders.timer": (["directory_verification_reminders"], DAILY),
    "harbour-clearsessions.timer": (["clearsessions"], DAILY),
}


def test_the_retention_timer_runs_the_retention_service_once_a_day() -> None:
    timer = _unit("harbour-retention.timer")
    assert timer["Timer"]["Unit"] == "harbour-retention.service"
    assert DAILY.fullmatch(timer["Timer"]["OnCalendar"]), timer["Timer"]["OnCalendar"]
    # A day missed while the machine was down is caught up at boot; the timer starts with the machine.
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_retention_service_runs_run_retention_for_real_in_the_project() -> None:
    service = _unit("harbour-retention.service")
    assert service["Service"]["Type"] == "oneshot"
    assert _manage_arguments(service) == ["run_retention"]  # never --dry-run
    assert service["Service"]["WorkingDirectory"]
    # The same settings as the web processes: database, master key, retention periods.
    assert service["Service"]["EnvironmentFile"]


def test_every_shipped_timer_starts_a_shipped_service_whose_command_exists() -> None:
    timers = sorted(path.name for path in UNITS.glob("*.timer"))
    assert timers == sorted(JOBS), "every periodic job has a timer, and every timer is named here"
    for timer_name in timers:
        service, arguments = _started_by(timer_name)
        assert arguments[0] in get_commands(), arguments
        expected, schedule = JOBS[timer_name]
        assert arguments == expected, timer_name
        timer = _unit(timer_name)["Timer"]
        assert schedule.fullmatch(timer["OnCalendar"]), (timer_name, timer["OnCalendar"])
        assert timer["Persistent"] == "true" and _unit(timer_name)["Install"]["WantedBy"] == "timers.target"
        assert service["Service"]["Type"] == "oneshot" and service["Service"]["EnvironmentFile"]
        assert service["Service"]["User"] != "root"


# What each job prints on an empty instance: it ran to its end with the arguments its unit gives it.
PRINTED = {
    "harbour-digests.timer": "0 digests sent",
    "harbour-meeting-reminders.timer": "0 meetings reminded",
    "harbour-plan-reminders.timer": "Sent 0 reminder(s).",
    "harbour-verification-reminders.timer": "Sent 0 reminder(s).",
}


@pytest.mark.django_db
@pytest.mark.parametrize("timer_name", sorted(PRINTED))
def test_each_jobs_command_line_runs_as_its_unit_gives_it(timer_name: str) -> None:
    printed = StringIO()
    call_command(*_started_by(timer_name)[1], stdout=printed)
    assert PRINTED[timer_name] in printed.getvalue()


@pytest.mark.django_db
def test_the_sessions_job_deletes_expired_sessions_and_keeps_live_ones() -> None:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    now = timezone.now()
    Session.objects.create(session_key="e" * 32, session_data="", expire_date=now - timedelta(minutes=1))
    Session.objects.create(session_key="l" * 32, session_data="", expire_date=now + timedelta(hours=1))
    call_command(*_started_by("harbour-clearsessions.timer")[1])
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]


@pytest.mark.django_db
def test_the_services_command_line_is_one_manage_py_accepts() -> None:
    printed = StringIO()
    call_command(*_manage_arguments(_unit("harbour-retention.service")), stdout=printed)
    assert "cases: closed cases past their organisation's period: 0 deleted" in printed.getvalue()
