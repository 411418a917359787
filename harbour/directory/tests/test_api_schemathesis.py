"""Schemathesis drives the HSDS API from its own OpenAPI document, in process (WSGI), against real data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import LazySettings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from harbour.directory import openapi
from harbour.directory.interchange import import_path
from harbour.directory.tests.hsds_helpers import EXAMPLES, hold_what_the_official_csv_names_elsewhere

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# The document the server itself serves (self-contained: nothing is fetched), driven through WSGI.
schema = schemathesis.openapi.from_dict(openapi.document())
schema.app = get_wsgi_application()


@pytest.fixture
def hsds_data(db: Any, settings: LazySettings) -> Iterator[None]:
    settings.ALLOWED_HOSTS = ["*"]
    import_path(EXAMPLES / "service_full.json")
    hold_what_the_official_csv_names_elsewhere()
    import_path(EXAMPLES / "csv")
    # A real WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client stops that the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented_without_a_server_error(
    case: Any, hsds_data: Iterator[None]
) -> None:
    # Ask for plain bodies: the WSGI client does not undo gzip.
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
