"""Every network list and detail page that grows makes as many queries with 50 records as with 1."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.core.audit import audit_write
from harbour.core.roles import Role
from harbour.network.models import (
    Announcement,
    Audience,
    Meeting,
    Member,
    Organisation,
    Recommendation,
    RecommendationStatus,
    Reply,
    SignInEvent,
    WorkingGroup,
)
from harbour.testing import AssertNumQueries, Cast, assert_queries_do_not_grow, signed_in

_serial = itertools.count()


def _n() -> int:
    return next(_serial)


@pytest.mark.django_db
def test_announcements(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            Announcement.objects.create(author=cast.cora, audience=Audience.NETWORK, subject=f"s{_n()}", body="b")

    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), reverse("network:announcements"), add)


@pytest.mark.django_db
def test_announcement_with_its_replies(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    announcement = Announcement.objects.create(author=cast.cora, audience=Audience.NETWORK, subject="s", body="b")

    def add(count: int) -> None:
        for index in range(count):
            author = (cast.alice, cast.carol, cast.cora)[index % 3]
            Reply.objects.create(announcement=announcement, author=author, body=f"r{_n()}")

    url = reverse("network:announcement_detail", args=[announcement.pk])
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), url, add)


@pytest.mark.django_db
def test_meetings(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for index in range(count):
            Meeting.objects.create(
                audience=Audience.NETWORK,
                title=f"m{_n()}",
                starts_at=timezone.now() + timedelta(days=index % 5 - 2),
                place="Room",
                created_by=cast.cora,
            )

    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), reverse("network:meetings"), add)


def _organisations(count: int) -> None:
    for _ in range(count):
        number = _n()
        Organisation.objects.create(
            name=f"Organisation {number}",
            kind=Organisation.Kind.NGO,
            province="ON",
            city="Toronto",
            languages=["en"],
            vetting_status=Organisation.Vetting.VETTED if number % 2 else Organisation.Vetting.PENDING,
        )


@pytest.mark.django_db
def test_partners(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("network:partners")
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), url, _organisations)


@pytest.mark.django_db
def test_organisations_and_vetting(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("network:organisations")
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.cora), url, _organisations)


@pytest.mark.django_db
def test_working_groups(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            group = WorkingGroup.objects.create(name=f"Group {_n()}", city="Toronto", province="ON")
            group.organisations.add(cast.harbour_house, cast.prairie_clinic)

    url = reverse("network:working_groups")
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), url, add)


@pytest.mark.django_db
def test_organisation_staff(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            Member.objects.create(
                email=f"staff{_n()}@cast.example",
                full_name="Staff",
                organisation=cast.harbour_house,
                role=Role.CASE_WORKER,
            )

    url = reverse("network:organisation_staff")
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.alice), url, add)


@pytest.mark.django_db
def test_organisation_audit_log(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for index in range(count):
            audit_write(
                actor=(cast.bob, cast.hana, cast.alice)[index % 3],
                action="view",
                organisation_id=cast.harbour_house.pk,
                record_type="cases.case",
                record_id=str(_n()),
            )

    url = reverse("network:organisation_audit")
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.alice), url, add)


@pytest.mark.django_db
def test_my_sign_ins(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            SignInEvent.objects.create(member=cast.bob, outcome=SignInEvent.Outcome.SUCCESS)

    url = reverse("network:my_sign_ins")
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), url, add)


def _recommendation() -> Recommendation:
    return Recommendation.objects.create(
        code=f"test-{_n()}", source="ccr-2003", section="3.D.1", text="x", theme="research", level="federal"
    )


@pytest.mark.django_db
def test_recommendations(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            recommendation = _recommendation()
            RecommendationStatus.objects.create(
                recommendation=recommendation,
                status=RecommendationStatus.Status.PARTIAL,
                date=date(2026, 1, 1),
                evidence="e",
            )

    assert_queries_do_not_grow(django_assert_num_queries, Client(), reverse("network:recommendations"), add)


@pytest.mark.django_db
def test_a_recommendation_with_its_history(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    recommendation = _recommendation()

    def add(count: int) -> None:
        for index in range(count):
            RecommendationStatus.objects.create(
                recommendation=recommendation,
                status=RecommendationStatus.Status.PARTIAL,
                date=date(2026, 1, 1) - timedelta(days=index),
                evidence="e",
                recorded_by=cast.cora,
            )

    url = reverse("network:recommendation_detail", args=[recommendation.code])
    assert_queries_do_not_grow(django_assert_num_queries, Client(), url, add)
