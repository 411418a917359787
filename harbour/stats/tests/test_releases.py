"""Releases: every category released, noise of the declared scale, suppression, a budget that runs out,
numbers that never change once published, and consent that stops a person being counted."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError

from harbour.stats import actions, contributions, engine
from harbour.stats import vocabulary as v
from harbour.stats.models import BudgetYear, LedgerEntry, Release, ReleaseCell, ReleaseTable
from harbour.stats.records import StatisticsRecord
from harbour.stats.tests.factories import ROW, published, record
from harbour.testing import Cast


@pytest.mark.django_db
def test_a_release_has_every_category_of_every_breakdown_zeros_included(cast: Cast) -> None:
    record(cast.harbour_house)
    release = published(cast.cora, list(v.BREAKDOWNS), years=(2024, 2025))
    tables = {table.breakdown: [cell.category for cell in table.cells.all()] for table in release.tables.all()}
    assert list(tables) == list(v.BREAKDOWNS)
    assert tables["year"] == ["2024", "2025"]
    assert tables["gender"] == list(v.Gender.values)
    assert tables["province"] == list(v.ProvinceOfExploitation.values)
    assert tables["citizenship_region"] == list(v.Region.values)
    assert tables["form"] == list(v.Form.values)


@pytest.mark.django_db
def test_counts_come_from_one_group_by_query_per_breakdown(cast: Cast, django_assert_num_queries) -> None:
    for gender in ("female", "female", "male"):
        record(cast.harbour_house, gender=gender)
    record(cast.harbour_house, year_of_registration=2019)
    with django_assert_num_queries(1):
        counts = engine.true_counts(v.BREAKDOWNS["gender"], 2025, 2025)
    assert counts == [("female", 2), ("male", 1), ("gender_diverse", 0), ("unknown", 0)]
    with django_assert_num_queries(1):
        forms = engine.true_counts(v.BREAKDOWNS["form"], 2019, 2025)
    assert forms == [("labour", 4), ("sexual", 0), ("forced_marriage", 0), ("other", 0)]


@pytest.mark.django_db
def test_small_noisy_counts_are_suppressed_below_the_threshold(cast: Cast) -> None:
    # Nobody is in the data: with a margin far below the threshold every noisy count is suppressed.
    release = published(cast.cora, ["gender"], epsilon="1", threshold=50)
    cells = list(ReleaseCell.objects.filter(table__release=release))
    assert len(cells) == len(v.Gender.values)
    assert all(cell.count is None for cell in cells)


@pytest.mark.django_db
def test_large_counts_are_published_within_their_margin_most_of_the_time(cast: Cast) -> None:
    StatisticsRecord.objects.bulk_create(
        StatisticsRecord(
            source="upload", organisation=cast.harbour_house, year_of_registration=2025, gender="female",
            age_band="21-23", majority_at_exploitation="adult", citizenship="MX",
            citizenship_region="latin_america_caribbean", province="ON", sector="agriculture",
            recruiter_relationship="employer", entry="temporary_worker",
        )
        for _ in range(500)
    )  # fmt: skip
    release = published(cast.cora, ["gender"], epsilon="1", threshold=10)
    table = release.tables.get()
    female = table.cells.get(category="female").count
    assert female is not None
    # Scale 1: the 95% margin is about 3; 30 is beyond any draw we will ever see (probability e^-30).
    assert abs(female - 500) < 30
    assert table.margin == engine.margin_for(table.scale)


@pytest.mark.django_db
def test_the_manifest_states_epsilon_delta_date_library_breakdowns_and_threshold(cast: Cast) -> None:
    release = published(cast.cora, ["gender", "form"], epsilon="0.8", threshold=12)
    manifest = release.manifest
    assert manifest["epsilon"] == "0.800" and manifest["delta"] == 0
    assert manifest["library"] == "opendp" and manifest["library_version"] == "0.16.0"
    assert manifest["breakdowns"] == ["gender", "form"] and manifest["threshold"] == 12
    assert release.published_at is not None
    assert manifest["published"] == release.published_at.date().isoformat()
    by_code = {table["breakdown"]: table for table in manifest["tables"]}
    # The epsilon is split evenly; forms of exploitation can change four counts per person.
    assert by_code["gender"]["sensitivity"] == 1 and by_code["gender"]["scale"] == pytest.approx(1 / 0.4)
    assert by_code["form"]["sensitivity"] == 4 and by_code["form"]["scale"] == pytest.approx(4 / 0.4)
    assert sum(table["epsilon"] for table in manifest["tables"]) == pytest.approx(0.8)


@pytest.mark.django_db
def test_a_budget_that_runs_out_blocks_the_release(cast: Cast, settings) -> None:
    settings.HARBOUR_STATS_YEARLY_EPSILON = Decimal("1.0")
    published(cast.cora, ["gender"], epsilon="0.6", title="First")
    second = actions.release_define(
        by=cast.cora, title="Second", year_from=2024, year_to=2025, breakdowns=["gender"],
        epsilon=Decimal("0.5"), threshold=10,
    )  # fmt: skip
    with pytest.raises(actions.ReleaseRefused, match="2025 has 0.400 left"):
        actions.release_publish(by=cast.cora, release=second)
    second.refresh_from_db()
    assert second.status == Release.Status.DRAFT
    assert not ReleaseTable.objects.filter(release=second).exists()
    assert not LedgerEntry.objects.filter(release=second).exists()
    # What remains can still be spent, to the last thousandth.
    published(cast.cora, ["gender"], epsilon="0.4", title="Third")
    spent = sum(entry.epsilon for entry in LedgerEntry.objects.filter(budget__year=2025))
    assert spent == Decimal("1.000")


@pytest.mark.django_db
def test_a_years_budget_is_fixed_when_first_drawn_on(cast: Cast, settings) -> None:
    settings.HARBOUR_STATS_YEARLY_EPSILON = Decimal("1.0")
    published(cast.cora, ["gender"], epsilon="0.5")
    settings.HARBOUR_STATS_YEARLY_EPSILON = Decimal("100")
    assert BudgetYear.objects.get(year=2025).epsilon == Decimal("1.000")
    with pytest.raises(actions.ReleaseRefused):
        published(cast.cora, ["gender"], epsilon="0.6", title="Too much")


@pytest.mark.django_db
def test_published_releases_never_change(cast: Cast) -> None:
    release = published(cast.cora, ["gender"])
    with pytest.raises(actions.ReleaseRefused):
        actions.release_publish(by=cast.cora, release=release)
    cell = ReleaseCell.objects.filter(table__release=release).first()
    assert cell is not None
    changes: list[Callable[[], object]] = [
        lambda: ReleaseCell.objects.filter(pk=cell.pk).update(count=1234),
        lambda: ReleaseTable.objects.filter(release=release).update(margin=0),
        lambda: LedgerEntry.objects.filter(release=release).update(epsilon=Decimal("0.001")),
        lambda: Release.objects.filter(pk=release.pk).update(title="Changed"),
    ]
    for change in changes:
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            change()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - ProtectedError or the trigger
        release.delete()
    assert Release.objects.get(pk=release.pk).title == "Test release"


@pytest.mark.django_db
def test_a_draft_can_be_changed_and_deleted(cast: Cast) -> None:
    draft = actions.release_define(
        by=cast.cora, title="Draft", year_from=2025, year_to=2025, breakdowns=["gender"],
        epsilon=Decimal("0.1"), threshold=10,
    )  # fmt: skip
    Release.objects.filter(pk=draft.pk).update(title="Renamed")
    actions.release_discard(by=cast.cora, release=draft)
    assert not Release.objects.filter(pk=draft.pk).exists()


def _contribution(key: str, organisation_id: int, **facts: str) -> contributions.Contribution:
    return contributions.Contribution(person_key=key, organisation_id=organisation_id, facts={**ROW, **facts})


@pytest.mark.django_db
def test_a_person_helped_by_several_organisations_counts_once(cast: Cast) -> None:
    result = contributions.contributions_sync(
        [
            _contribution("k1", cast.harbour_house.pk, yearOfRegistration="2025"),
            _contribution("k1", cast.prairie_clinic.pk, yearOfRegistration="2024"),
            _contribution("k2", cast.prairie_clinic.pk),
        ]
    )
    assert result.added == 2
    assert engine.true_counts(v.BREAKDOWNS["gender"], 2024, 2025)[0] == ("female", 2)
    assert StatisticsRecord.objects.get(person_key="k1").year_of_registration == 2024


@pytest.mark.django_db
def test_withdrawal_of_consent_removes_the_record_from_future_releases(cast: Cast) -> None:
    contributions.contributions_sync(
        [_contribution("k1", cast.harbour_house.pk), _contribution("k2", cast.harbour_house.pk)]
    )
    assert engine.true_counts(v.BREAKDOWNS["gender"], 2025, 2025)[0] == ("female", 2)
    assert contributions.contribution_withdraw(person_key="k1")
    assert engine.true_counts(v.BREAKDOWNS["gender"], 2025, 2025)[0] == ("female", 1)
    # A later sync without the person (consent expired or withdrawn) removes them too.
    result = contributions.contributions_sync([])
    assert result.removed == 1
    assert not StatisticsRecord.objects.exists()


@pytest.mark.django_db
def test_sync_updates_changed_facts_and_refuses_facts_outside_the_vocabulary(cast: Cast) -> None:
    contributions.contributions_sync([_contribution("k1", cast.harbour_house.pk)])
    result = contributions.contributions_sync(
        [
            _contribution("k1", cast.harbour_house.pk, gender="male"),
            _contribution("k2", cast.harbour_house.pk, gender="?"),
        ]
    )
    assert (result.added, result.updated, result.refused) == (0, 1, 1)
    assert StatisticsRecord.objects.get(person_key="k1").gender == "male"


# The noise. OpenDP draws from the operating system's secure random source and cannot be
# seeded, so this check uses enough draws (200,000) that a correct mechanism fails it with
# probability far below one in a million (every bound is more than six standard errors wide),
# while a scale 10% off fails it every time.
DRAWS = 200_000


def _discrete_laplace_variance(scale: float) -> float:
    alpha = math.exp(-1 / scale)
    return 2 * alpha / (1 - alpha) ** 2


@pytest.mark.parametrize("scale", [2.5, 10.0])
def test_the_noise_has_the_declared_scale(scale: float) -> None:
    noise = engine.laplace(DRAWS, scale)([0] * DRAWS)
    mean = sum(noise) / DRAWS
    variance = sum(x * x for x in noise) / DRAWS
    expected = _discrete_laplace_variance(scale)
    # Standard error of the mean of x^2 for a Laplace variable: sqrt(20 / n) * scale^2, about 1% of the variance.
    assert abs(variance - expected) / expected < 0.05
    assert abs(mean) < 6 * math.sqrt(expected / DRAWS)
    assert abs(variance - _discrete_laplace_variance(scale * 1.1)) / expected > 0.15
    margin = engine.margin_for(scale)
    inside = sum(1 for x in noise if abs(x) <= margin) / DRAWS
    assert 0.947 <= inside <= 0.97
