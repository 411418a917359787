"""Every directory list that grows (search pages, members' tools, the API) makes as many queries with 50
services as with 1."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.directory.tests.factories import service_make
from harbour.network.models import Member
from harbour.testing import Cast, assert_queries_do_not_grow

AssertNumQueries = Callable[[int], AbstractContextManager[Any]]


def signed_in(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def shelters(count: int, **extra: Any) -> None:
    for index in range(count):
        service_make(
            name=f"Shelter {index}",
            needs=("shelter", "legal-aid"),
            populations=("women",),
            languages=("en", "fr"),
            free=True,
            phone="416-555-0100",
            confidential=index % 2 == 0,
            **extra,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?city=Toronto&need=shelter", "?postcode=M5V%202T6&radius=25", "?q=shelter&language=fr"]
)
def test_public_search(query: str, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:search") + query
    assert_queries_do_not_grow(django_assert_num_queries, Client(), url, shelters)


@pytest.mark.django_db
def test_members_search_with_confidential_addresses(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:member_search") + "?city=Toronto&need=shelter"
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), url, shelters)


@pytest.mark.django_db
def test_hotline_quick_search(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:hotline") + "?city=Toronto&need=shelter"
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.hana), url, shelters)


@pytest.mark.django_db
def test_beds_tonight(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:beds")
    assert_queries_do_not_grow(
        django_assert_num_queries,
        signed_in(cast.alice),
        url,
        lambda count: shelters(count, organisation=cast.harbour_house),
    )


@pytest.mark.django_db
def test_an_organisations_own_services(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:my_services")
    assert_queries_do_not_grow(
        django_assert_num_queries,
        signed_in(cast.alice),
        url,
        lambda count: shelters(count, organisation=cast.harbour_house),
    )


@pytest.mark.django_db
def test_listings_out_of_date(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    url = reverse("directory:stale")
    assert_queries_do_not_grow(
        django_assert_num_queries, signed_in(cast.cora), url, lambda count: shelters(count, assured_date=long_ago)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["hsds:services", "hsds:organizations", "hsds:service_at_locations"])
def test_api_lists(endpoint: str, django_assert_num_queries: AssertNumQueries) -> None:
    assert_queries_do_not_grow(django_assert_num_queries, Client(), reverse(endpoint), shelters)
