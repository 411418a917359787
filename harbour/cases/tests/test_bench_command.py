"""The shipped cases benchmark builds its data and measures both pages (a small run; figures are not judged here)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from harbour.cases.models import Case, Milestone, Note, Task

pytestmark = pytest.mark.django_db


def test_the_benchmark_builds_cases_with_their_work_and_reports_both_pages(tmp_path: Path) -> None:
    call_command("bench_cases", "--build", "12", "--organisations", "3", stdout=StringIO(), stderr=StringIO())
    assert Case.system_objects.count() == 12
    for model in (Note, Task, Milestone):
        assert model.system_objects.count() == 12, model
    output = tmp_path / "cases.json"
    call_command(
        "bench_cases", "--measure", "--requests", "5", "--output", str(output), stdout=StringIO(), stderr=StringIO()
    )
    figures = json.loads(output.read_text())
    assert figures["cases"] == 12 and figures["organisations"] == 3
    for page in ("case_list", "case_page"):
        timed = figures[page]
        assert timed["page_ms"]["p50"] > 0 and timed["audit_ms"]["p50"] > 0, timed
        assert 0 < timed["audit_share_of_mean"] < 1
        assert set(timed["within_targets"]) == {"page_p95", "audit_share"}
    assert len(figures["case_list"]["queries"]) == 1, "the list's query count varied between requests"
