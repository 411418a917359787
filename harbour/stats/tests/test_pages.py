"""The public dashboard and the research view read published releases only, draw SVG charts with a table
beside them, download as CSV, fit in 50 KB and read a fixed number of queries however many releases exist."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from harbour.checks.page_weight import KB, measure
from harbour.stats import actions
from harbour.stats import vocabulary as v
from harbour.stats.models import Release
from harbour.stats.tests.factories import published, record
from harbour.testing import Cast

LIMIT_KB = 50


@pytest.fixture
def release(cast: Cast, settings) -> Release:
    settings.HARBOUR_STATS_YEARLY_EPSILON = 100
    for _ in range(3):
        record(cast.harbour_house)
    return published(cast.cora, list(v.BREAKDOWNS), epsilon="7", years=(2021, 2025), threshold=1)


@pytest.mark.django_db
def test_the_dashboard_shows_the_latest_release_as_charts_and_tables(release: Release) -> None:
    page = Client().get(reverse("stats:dashboard")).content.decode()
    assert release.title in page
    assert page.count('role="img"') == len(v.BREAKDOWNS)
    assert page.count("<table") == len(v.BREAKDOWNS)
    assert "<script" not in page.replace('<script src="/static/core/harbour', "")
    for label in (v.Gender.GENDER_DIVERSE.label, v.Region.OCEANIA.label, v.Sector.BEGGING.label):
        assert str(label) in page


@pytest.mark.django_db
def test_a_draft_release_is_not_public(cast: Cast) -> None:
    draft = actions.release_define(
        by=cast.cora,
        title="Not yet",
        year_from=2025,
        year_to=2025,
        breakdowns=["gender"],
        epsilon=Decimal(1),
        threshold=10,
    )
    client = Client()
    assert client.get(reverse("stats:release_detail", args=[draft.pk])).status_code == 404
    url = reverse("stats:release_detail", args=[draft.pk])
    assert client.get(url, {"format": "csv"}).status_code == 404
    assert client.get(url, {"format": "json"}).status_code == 404
    assert "Not yet" not in client.get(reverse("stats:dashboard")).content.decode()


@pytest.mark.django_db
def test_every_release_downloads_as_csv_with_every_published_count(release: Release) -> None:
    response = Client().get(reverse("stats:release_detail", args=[release.pk]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    cells = [cell for table in release.tables.all() for cell in table.cells.all()]
    assert len(rows) == len(cells)
    assert {row["breakdown"] for row in rows} == set(v.BREAKDOWNS)
    for row, cell in zip(rows, cells, strict=True):
        assert row["category"] == cell.category
        assert row["count"] == ("" if cell.count is None else str(cell.count))
        assert row["suppressed"] == ("yes" if cell.count is None else "no")


@pytest.mark.django_db
def test_the_manifest_downloads_as_json(release: Release) -> None:
    response = Client().get(reverse("stats:release_detail", args=[release.pk]), {"format": "json"})
    assert response["Content-Disposition"].startswith("attachment")
    manifest = json.loads(response.content)
    assert manifest == release.manifest


@pytest.mark.django_db
def test_the_ledger_shows_what_each_release_spent(cast: Cast, release: Release) -> None:
    page = Client().get(reverse("stats:ledger")).content.decode()
    for year in range(2021, 2026):
        assert f"<h2>{year}</h2>" in page
    assert release.title in page and "7.000" in page


@pytest.mark.django_db
def test_a_release_page_with_every_breakdown_weighs_at_most_50_kb(release: Release) -> None:
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            path = reverse("stats:release_detail", args=[release.pk])
            weight = measure(path)
        assert weight.status == 200
        assert weight.total <= LIMIT_KB * KB, f"{path} weighs {weight.total} bytes"


@pytest.mark.django_db
def test_public_pages_read_a_fixed_number_of_queries(cast: Cast, settings, django_assert_max_num_queries) -> None:
    settings.HARBOUR_STATS_YEARLY_EPSILON = 100
    for index in range(6):
        published(cast.cora, ["gender", "province", "form"], epsilon="1", title=f"Release {index}")
    client = Client()
    for name, args in (
        ("stats:dashboard", []),
        ("stats:ledger", []),
        ("stats:release_detail", [Release.objects.published().first().pk]),  # type: ignore[union-attr]
    ):
        with django_assert_max_num_queries(6):
            assert client.get(reverse(name, args=args)).status_code == 200
    client.force_login(cast.rhea)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("stats:research"))
    assert page.status_code == 200 and "Release 5" in page.content.decode()


@pytest.mark.django_db
def test_the_research_csv_holds_every_release(cast: Cast, settings) -> None:
    settings.HARBOUR_STATS_YEARLY_EPSILON = 100
    first = published(cast.cora, ["gender"], epsilon="1", title="A")
    second = published(cast.cora, ["province"], epsilon="1", title="B")
    client = Client()
    client.force_login(cast.rhea)
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("stats:research_csv")).content.decode())))
    assert {int(row["release"]) for row in rows} == {first.pk, second.pk}
    assert len(rows) == len(v.Gender.values) + len(v.ProvinceOfExploitation.values)


@pytest.mark.django_db
def test_a_coordinator_defines_then_publishes_a_release_and_a_refusal_is_explained(cast: Cast, settings) -> None:
    settings.HARBOUR_STATS_YEARLY_EPSILON = 1
    client = Client()
    client.force_login(cast.cora)
    form = {"title": "National 2025", "year_from": 2025, "year_to": 2025, "breakdowns": ["gender", "sector"],
            "epsilon": "0.7", "threshold": 10}  # fmt: skip
    assert client.post(reverse("stats:release_new"), form).status_code == 302
    draft = Release.objects.get(title="National 2025")
    assert not draft.is_published and not draft.tables.exists()
    response = client.post(reverse("stats:release_publish", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("stats:release_detail", args=[draft.pk])
    client.post(reverse("stats:release_new"), {**form, "title": "Too much"})
    too_much = Release.objects.get(title="Too much")
    page = client.post(reverse("stats:release_publish", args=[too_much.pk]), follow=True).content.decode()
    assert "Not enough privacy budget" in page and "0.300 left" in page
    assert not Release.objects.get(pk=too_much.pk).is_published


@pytest.mark.django_db
def test_a_bad_release_form_keeps_what_was_typed(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.cora)
    response = client.post(
        reverse("stats:release_new"),
        {"title": "Kept title", "year_from": 2025, "year_to": 2020, "breakdowns": ["gender"], "epsilon": "0.5",
         "threshold": 10},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "Kept title" in page and "cannot come before" in page
    assert not Release.objects.exists()
