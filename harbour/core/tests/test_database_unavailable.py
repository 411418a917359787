"""The database going away: the "try again" page (503, translated, with the quick exit), never a 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from harbour.reports.models import Report, ReportReceiver
from harbour.reports.tests.helpers import ANSWERS, keys_for
from harbour.testing import Cast


def _database_gone() -> mock._patch[mock.MagicMock]:
    return mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("server closed"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Harbour is not available for a moment"), ("fr", "Harbour n’est pas disponible pour le moment")],
)
def test_a_page_needing_the_database_says_try_again(language: str, title: str) -> None:
    client = Client(raise_request_exception=False)
    with _database_gone():
        response = client.get(f"/{language}/directory/?q=shelter")
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert title in page
    assert 'class="quick-exit' in page or "quick-exit" in page
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_a_signed_in_session_lost_with_the_database_still_gets_the_page(cast: Cast) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.alice)
    with _database_gone():
        response = client.get("/en/members/reports/")
    assert response.status_code == 503
    assert "Harbour is not available for a moment" in response.content.decode()


@pytest.mark.django_db
def test_a_report_sent_while_the_database_is_gone_is_said_not_saved(cast: Cast) -> None:
    keys_for(cast)
    receiver = ReportReceiver.objects.get(organisation=cast.harbour_house).pk
    client = Client(raise_request_exception=False)
    with _database_gone():
        response = client.post(reverse("reports:write"), {"to": receiver, **ANSWERS})
    assert response.status_code == 503
    assert "What you sent was not saved" in response.content.decode()
    assert Report.system_objects.count() == 0
