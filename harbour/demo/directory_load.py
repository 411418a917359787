"""Loads the demo directory (`harbour/demo/data/demo_directory.json`) into the database, all or nothing.

The file holds HSDS 3.0 compiled services as `harbour.demo.directory_build` writes
them, and goes through the same importer as any HSDS file (validated against
the schemas). Harbour's own facts ride in each record's `x_harbour` object,
which the importer keeps in `extra`; this module then moves them where they
belong and removes them from `extra`, so nothing of them (a confidential
address above all) can ever reach an export or the API:

- French name and description -> Service.name_fr / description_fr;
- a confidential location's real address and point -> ConfidentialAddress;
- tonight's bed count -> BedAvailability.

Dates move so that the file's reference date is today. Organisations named like
a demo network organisation are linked to it, so its administrators keep their
services current.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from harbour.demo import directory_build
from harbour.directory.confidential import key_owner_for
from harbour.directory.interchange import import_path
from harbour.directory.models import (
    BedAvailability,
    ConfidentialAddress,
    Location,
    Organization,
    Service,
    point_text,
)
from harbour.directory.taxonomy_map import taxonomies_ensure
from harbour.network.models import Organisation

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_directory.json"


def _extension(record: Service | Location) -> dict[str, Any]:
    extra = dict(record.extra or {})
    value = extra.pop(directory_build.EXTENSION, {})
    record.extra = extra
    return value if isinstance(value, dict) else {}


def _apply_services(shift: datetime.timedelta) -> None:
    services = list(Service.objects.filter(extra__has_key=directory_build.EXTENSION))
    for service in services:
        extension = _extension(service)
        service.name_fr = extension.get("name_fr", "")
        service.description_fr = extension.get("description_fr", "")
        service.search_text = service.compute_search_text()
        if service.assured_date is not None:
            service.assured_date = service.assured_date + shift
            service.last_modified = f"{service.assured_date.isoformat()}T12:00:00Z"
    Service.objects.bulk_update(
        services,
        ["extra", "name_fr", "description_fr", "search_text", "assured_date", "last_modified"],
        batch_size=500,
    )


def _apply_locations() -> None:
    now = timezone.now()
    locations = list(Location.objects.filter(extra__has_key=directory_build.EXTENSION))
    secrets, beds = [], []
    owners: dict[str | None, int | None] = {}
    for location in locations:
        extension = _extension(location)
        secret = extension.get("confidential_address")
        if extension.get("confidential") and secret:
            location.confidential = True
            if location.organization_id not in owners:
                owners[location.organization_id] = key_owner_for(location.organization_id)
            owner = owners[location.organization_id]
            # With no organisation to hold a key, the street address is not kept (members call).
            if owner is not None:
                secrets.append(
                    ConfidentialAddress(
                        location=location,
                        key_owner_id=owner,
                        address_1=secret["address_1"],
                        city=secret["city"],
                        state_province=secret["state_province"],
                        postal_code=secret["postal_code"],
                        point=point_text(secret["latitude"], secret["longitude"]),
                    )
                )
        if count := extension.get("beds"):
            beds.append(
                BedAvailability(
                    location=location,
                    places_available=count["places_available"],
                    updated_at=now - datetime.timedelta(hours=count["hours_ago"]),
                )
            )
    Location.objects.bulk_update(locations, ["extra", "confidential"], batch_size=500)
    ConfidentialAddress.objects.bulk_create(secrets, batch_size=500)
    BedAvailability.objects.bulk_create(beds, batch_size=500)


def _link_network_organisations() -> None:
    network = {organisation.name: organisation for organisation in Organisation.objects.filter(is_demo=True)}
    for organization in Organization.objects.filter(name__in=list(network)):
        organization.network_organisation = network[organization.name]
        organization.save(update_fields=["network_organisation"])


def demo_directory_load(path: Path = DEMO_FILE, *, today: datetime.date | None = None) -> int:
    """Loads the demo directory unless it is there already; returns how many services it added."""
    with path.open(encoding="utf-8") as handle:
        handle.readline()  # "["
        first = json.loads(handle.readline().rstrip().rstrip(","))
    if Service.objects.filter(id=first["id"]).exists():
        return 0
    shift = (today or timezone.localdate()) - directory_build.REFERENCE_DATE
    with transaction.atomic():
        taxonomies_ensure()
        result = import_path(path)
        _apply_services(shift)
        # Linked first: each shelter's address is encrypted under its own organisation's key.
        _link_network_organisations()
        _apply_locations()
    return result.services
