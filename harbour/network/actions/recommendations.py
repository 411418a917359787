"""Progress recorded on a recommendation of the tracker."""

from __future__ import annotations

from datetime import date as date_type

from django.utils.translation import gettext as _

from harbour.network.actions.common import ActionRefused
from harbour.network.models import Member, Recommendation, RecommendationStatus


def recommendation_status_add(
    *, by: Member, recommendation: Recommendation, status: str, date: date_type, evidence: str, link: str = ""
) -> RecommendationStatus:
    """Adds a dated step to a recommendation's history; the newest date is its current status."""
    if not by.is_coordinator:
        raise ActionRefused(_("Only network coordinators can record a recommendation's progress."))
    return RecommendationStatus.objects.create(
        recommendation=recommendation, status=status, date=date, evidence=evidence, link=link, recorded_by=by
    )
