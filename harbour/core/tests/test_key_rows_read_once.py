"""A page that decrypts many values reads each data key's row once, inside `keys_read_once` only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harbour.core import crypto
from harbour.testing import Cast

pytestmark = pytest.mark.django_db


def _key_reads(tokens: list[str], organisation_id: int) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        values = [crypto.decrypt(t, context="test.value", organisation_id=organisation_id) for t in tokens]
    return values, sum('"core_datakey"' in q["sql"] for q in queries.captured_queries)


def test_each_key_row_is_read_once_inside_the_block_and_every_time_outside(cast: Cast) -> None:
    organisation_id = cast.harbour_house.pk
    tokens = [crypto.encrypt(f"note {n}", organisation_id=organisation_id, context="test.value") for n in range(5)]
    values, outside = _key_reads(tokens, organisation_id)
    assert values == [f"note {n}" for n in range(5)] and outside == 5
    with crypto.keys_read_once():
        values, inside = _key_reads(tokens, organisation_id)
    assert values == [f"note {n}" for n in range(5)] and inside == 1
    _, after = _key_reads(tokens, organisation_id)
    assert after == 5


def test_a_key_destroyed_before_the_block_still_refuses_inside_it(cast: Cast) -> None:
    from harbour.core.models import DataKey

    organisation_id = cast.harbour_house.pk
    token = crypto.encrypt("secret", organisation_id=organisation_id, context="test.value")
    DataKey.objects.filter(pk=crypto.key_id_of(token)).delete()
    with crypto.keys_read_once(), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="test.value", organisation_id=organisation_id)
