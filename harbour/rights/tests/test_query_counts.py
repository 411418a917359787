"""Every rights list that grows (the library, the staff's training records) makes as many queries with 50
records as with 1."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from harbour.core.roles import Role
from harbour.network.models import Member
from harbour.rights import actions
from harbour.rights.loading import LoadReport
from harbour.rights.models import CourseCompletion, CourseModule, Resource
from harbour.testing import AssertNumQueries, Cast, assert_queries_do_not_grow, signed_in

_serial = itertools.count()


def resources(cast: Cast, visibility: str) -> Callable[[int], None]:
    def add(count: int) -> None:
        for _ in range(count):
            number = next(_serial)
            actions.resource_add(
                by=cast.alice,
                title=f"Report {number}",
                kind=Resource.Kind.REPORT,
                description="",
                url="https://example.org/report",
                file=None,
                audience=Resource.Audience.FRONT_LINE,
                language="en",
                visibility=visibility,
                tags=[f"tag-{number % 3}", "labour"],
            )

    return add


@pytest.mark.django_db
def test_the_public_library(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    add = resources(cast, Resource.Visibility.PUBLIC)
    assert_queries_do_not_grow(django_assert_num_queries, Client(), reverse("rights:library"), add)


@pytest.mark.django_db
def test_the_library_for_members(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    add = resources(cast, Resource.Visibility.MEMBERS)
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), reverse("rights:library"), add)


def test_the_staffs_training_records(
    cast: Cast, rights_content: LoadReport, django_assert_num_queries: AssertNumQueries
) -> None:
    modules = list(CourseModule.objects.all())
    assert modules

    def add(count: int) -> None:
        for _ in range(count):
            member = Member.objects.create(
                email=f"trainee{next(_serial)}@cast.example",
                full_name="Trainee",
                organisation=cast.harbour_house,
                role=Role.CASE_WORKER,
            )
            for module in modules[::2]:
                CourseCompletion.objects.create(member=member, module=module, score=100)

    url = reverse("rights:course_records")
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.alice), url, add)
