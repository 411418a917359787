"""The database connection is set up for Harbour's short queries, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_connections_are_kept_checked_and_set_for_short_queries():
    database = settings.DATABASES["default"]
    # A connection is kept between requests (one per web thread) and checked before reuse.
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] == int(os.environ.get("HARBOUR_DB_CONN_MAX_AGE", "60"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling a query with LLVM costs more than running it (docs/scale.md).
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
        else:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
