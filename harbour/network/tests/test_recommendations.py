"""The recommendation tracker: its seeded sources, status history, and the public page."""

from __future__ import annotations

import importlib
import json
from datetime import date
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from harbour.checks.page_weight import KB, measure
from harbour.network import actions
from harbour.network.models import Recommendation, RecommendationStatus
from harbour.network.recommendations import RECOMMENDATIONS_FILE, recommendations_load
from harbour.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded() -> None:
    # The data migration loads them; a transactional test's flush elsewhere in the run empties the table.
    recommendations_load(Recommendation)


Status = RecommendationStatus.Status


def test_the_data_migration_loads_the_data_file_and_keeps_status_histories(cast: Cast) -> None:
    seed = importlib.import_module("harbour.network.migrations.0004_seed_recommendations").seed
    recommendation = Recommendation.objects.get(code="2003-policy-10")
    actions.recommendation_status_add(
        by=cast.cora, recommendation=recommendation, status=Status.PARTIAL, date=date(2007, 6, 1), evidence="x"
    )
    Recommendation.objects.filter(code="2003-policy-10").update(text="changed by hand")
    Recommendation.objects.filter(code="2013-policy-1").delete()
    seed(django_apps, None)
    recommendation.refresh_from_db()
    assert recommendation.text.startswith("Pass a law")
    assert recommendation.statuses.count() == 1
    assert Recommendation.objects.filter(code="2013-policy-1").exists()


def test_the_command_reloads_an_edited_data_file() -> None:
    Recommendation.objects.filter(code="2013-policy-1").update(text="stale")
    call_command("load_recommendations", stdout=StringIO())
    assert Recommendation.objects.get(code="2013-policy-1").text.startswith("Compare the conflicting definitions")


def test_every_recommendation_has_its_source_section_theme_level_and_french() -> None:
    rows = json.loads(RECOMMENDATIONS_FILE.read_text(encoding="utf-8"))["recommendations"]
    assert Recommendation.objects.count() == len(rows) >= 90
    assert len({row["code"] for row in rows}) == len(rows)
    for recommendation in Recommendation.objects.all():
        assert recommendation.section and recommendation.text and recommendation.text_fr, recommendation.code
        assert recommendation.theme in Recommendation.Theme.values
        assert recommendation.level in Recommendation.Level.values
    by_source = {
        source: Recommendation.objects.filter(source=source).count() for source in Recommendation.Source.values
    }
    assert by_source["ccr-2003"] == 36 + 27 + 19  # policy, program, and the national meeting's section 5 (I to V)
    assert by_source["ccr-2013"] >= 15
    assert Recommendation.objects.get(code="2003-national-iii-1").section.startswith("Section 5, III.")


def test_the_newest_dated_evidence_is_the_current_status(cast: Cast) -> None:
    recommendation = Recommendation.objects.get(code="2003-policy-10")
    detail = reverse("network:recommendation_detail", args=[recommendation.code])

    def current_on_the_page() -> str | None:
        step = Client().get(detail).context["current"]
        return None if step is None else str(step.status)

    def current_in_the_list() -> str | None:
        row = Recommendation.objects.with_current_status().get(pk=recommendation.pk)
        return row.current_status_value  # type: ignore[attr-defined,no-any-return]

    assert current_on_the_page() is None and current_in_the_list() is None

    def add(status: str, day: date) -> RecommendationStatus:
        return actions.recommendation_status_add(
            by=cast.cora, recommendation=recommendation, status=status, date=day, evidence=f"{status} on {day}"
        )

    add(Status.PARTIAL, date(2007, 6, 1))
    add(Status.NO_PROGRESS, date(2004, 1, 15))  # recorded later, but older evidence
    assert current_on_the_page() == current_in_the_list() == Status.PARTIAL
    add(Status.PARTIAL, date(2012, 12, 15))
    add(Status.REGRESSED, date(2012, 12, 15))  # same day: the later entry wins
    assert current_on_the_page() == current_in_the_list() == Status.REGRESSED
    add(Status.PARTIAL, date(2012, 12, 15))
    assert [s.status for s in recommendation.statuses.newest_first()] == [
        Status.PARTIAL,
        Status.REGRESSED,
        Status.PARTIAL,
        Status.PARTIAL,
        Status.NO_PROGRESS,
    ]
    assert current_on_the_page() == current_in_the_list() == Status.PARTIAL


def test_only_coordinators_record_progress(cast: Cast) -> None:
    recommendation = Recommendation.objects.get(code="2003-policy-10")
    for member in (cast.alice, cast.lee, cast.rhea):
        with pytest.raises(actions.ActionRefused):
            actions.recommendation_status_add(
                by=member, recommendation=recommendation, status=Status.IMPLEMENTED, date=date(2020, 1, 1), evidence="x"
            )
    client = Client()
    client.force_login(cast.cora)
    url = reverse("network:recommendation_status_add", args=[recommendation.code])
    assert b"Anyone can read this on the public tracker" in client.get(url).content
    response = client.post(url, {"status": Status.PARTIAL, "date": "2006-05-11", "evidence": ""})
    assert response.status_code == 200  # evidence is required; the form comes back
    response = client.post(url, {"status": Status.IMPLEMENTED, "date": "2206-05-11", "evidence": "Kept evidence"})
    assert response.status_code == 200  # a future date would stay the current status for ever
    assert b"Kept evidence" in response.content
    assert not recommendation.statuses.exists()
    response = client.post(
        url,
        {
            "status": Status.PARTIAL,
            "date": "2006-05-11",
            "evidence": "Temporary permits for victims announced.",
            "link": "",
        },
    )
    assert response.status_code == 302
    page = Client().get(reverse("network:recommendation_detail", args=[recommendation.code]))
    assert b"Temporary permits for victims announced." in page.content
    assert b"2006-05-11" in page.content


def test_the_public_tracker_filters_by_theme_level_and_status_without_an_account(cast: Cast) -> None:
    assessed = Recommendation.objects.get(code="2013-services-1")
    actions.recommendation_status_add(
        by=cast.cora, recommendation=assessed, status=Status.NO_PROGRESS, date=date(2014, 1, 1), evidence="x"
    )
    actions.recommendation_status_add(
        by=cast.cora, recommendation=assessed, status=Status.IMPLEMENTED, date=date(2020, 1, 1), evidence="y"
    )
    client = Client()
    url = reverse("network:recommendations")
    everything = client.get(url)
    assert everything.status_code == 200
    assert "Set-Cookie" not in everything.headers
    assert len(everything.context["recommendations"]) == Recommendation.objects.count()

    def codes(**query: str) -> set[str]:
        return {r.code for r in client.get(url, query).context["recommendations"]}

    assert codes(status=Status.IMPLEMENTED) == {"2013-services-1"}
    assert codes(status=Status.NO_PROGRESS) == set()  # superseded by newer evidence
    assert "2013-services-1" not in codes(status="none")
    assert codes(theme="funding") == set(Recommendation.objects.filter(theme="funding").values_list("code", flat=True))
    assert codes(theme="funding", level="federal") == set(
        Recommendation.objects.filter(theme="funding", level="federal").values_list("code", flat=True)
    )
    assert client.get(url, {"theme": "nonsense"}).status_code == 200


def test_the_tracker_reads_in_french() -> None:
    response = Client().get("/fr/recommendations/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Recommendation tracker" not in text
    assert escape(Recommendation.objects.get(code="2003-policy-36").text_fr) in text


def test_the_whole_tracker_with_histories_stays_within_the_public_page_budget(cast: Cast) -> None:
    for recommendation in Recommendation.objects.all():
        actions.recommendation_status_add(
            by=cast.cora, recommendation=recommendation, status=Status.PARTIAL, date=date(2020, 1, 1), evidence="x"
        )
    for language in ("fr", "en", "ar"):
        weight = measure(f"/{language}/recommendations/")
        assert weight.status == 200
        assert not weight.unmeasured
        assert weight.total <= 50 * KB, weight.total
