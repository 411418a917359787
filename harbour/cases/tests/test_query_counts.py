"""The case list makes as many queries with 50 cases as with 1 (each summary is decrypted in memory)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from harbour.cases.actions import case_open
from harbour.testing import Cast, assert_queries_do_not_grow

AssertNumQueries = Callable[[int], AbstractContextManager[Any]]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["bob", "hana", "alice"])
def test_the_case_list(reader: str, cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    def add(count: int) -> None:
        for index in range(count):
            case_open(by=(cast.bob, cast.alice)[index % 2], summary=f"Needs a lawyer ({index})")

    client = Client()
    client.force_login(getattr(cast, reader))
    assert_queries_do_not_grow(django_assert_num_queries, client, reverse("cases:case_list"), add)
