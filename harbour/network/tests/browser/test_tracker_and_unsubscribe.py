"""Paths walked without JavaScript: filtering the public tracker, and stopping network email from a link."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from harbour.network import actions
from harbour.network.models import Delivery, Member, Recommendation, RecommendationStatus
from harbour.network.recommendations import recommendations_load
from harbour.testing import make_cast

pytestmark = pytest.mark.browser


def test_the_tracker_filters_without_javascript(live_server: LiveServer, no_script_context: BrowserContext) -> None:
    recommendations_load(Recommendation)  # a transactional test's flush empties what the migration loaded
    cast = make_cast()
    actions.recommendation_status_add(
        by=cast.cora,
        recommendation=Recommendation.objects.get(code="2013-services-1"),
        status=RecommendationStatus.Status.IMPLEMENTED,
        date=date(2024, 4, 1),
        evidence="Multi-year funding announced for specialised services.",
    )
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/fr/recommendations/")
    page.get_by_label("Thème").select_option("funding")
    page.get_by_label("État actuel").select_option("implemented")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("ol.recommendations > li")).to_have_count(1)
    page.get_by_role("link", name="historique et preuves").click()
    expect(page.get_by_text("Multi-year funding announced for specialised services.")).to_be_visible()


def test_a_member_stops_network_email_from_the_link_without_signing_in(
    live_server: LiveServer, no_script_context: BrowserContext
) -> None:
    bob = make_cast().bob
    page = no_script_context.new_page()
    page.goto(f"{live_server.url}/en/unsubscribe/{actions.unsubscribe_token(bob)}/")
    assert Member.objects.get(pk=bob.pk).delivery == Delivery.DIGEST  # opening the link changed nothing
    page.get_by_role("button", name="Stop network email").click()
    expect(page.get_by_text("Done: Harbour will send you no more announcements")).to_be_visible()
    assert Member.objects.get(pk=bob.pk).delivery == Delivery.NONE
    assert no_script_context.cookies() == []
