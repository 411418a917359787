"""The shipped systemd units run the daily jobs: the retention job, once a day, with the real command."""

from __future__ import annotations

import configparser
import re
import shlex
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


def _manage_arguments(service: configparser.ConfigParser) -> list[str]:
    """What the service asks manage.py to do: the arguments after `manage.py` in ExecStart."""
    argv = shlex.split(service["Service"]["ExecStart"])
    assert argv[0].endswith("/python") and argv[1] == "manage.py", argv
    return argv[2:]


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
    timers = sorted(UNITS.glob("*.timer"))
    assert timers, f"no timers in {UNITS}"
    for timer_path in timers:
        service_name = _unit(timer_path.name)["Timer"]["Unit"]
        assert (UNITS / service_name).is_file(), service_name
        command = _manage_arguments(_unit(service_name))[0]
        assert command in get_commands(), command


@pytest.mark.django_db
def test_the_services_command_line_is_one_manage_py_accepts() -> None:
    printed = StringIO()
    call_command(*_manage_arguments(_unit("harbour-retention.service")), stdout=printed)
    assert "cases: closed cases past their organisation's period: 0 deleted" in printed.getvalue()
