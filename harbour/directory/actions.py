"""Writes with side effects in the directory."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from harbour.directory.confidential import protect_location
from harbour.directory.models import Location
from harbour.network.models import Member


def location_make_confidential(*, by: Member | None, location: Location) -> Location:
    """Hide a location's street address and exact point from the public (they move to its confidential address)."""
    with transaction.atomic():
        location.confidential = True
        location.modified_at = timezone.now()
        location.save(update_fields=["confidential", "modified_at"])
        protect_location(location)
    return location
