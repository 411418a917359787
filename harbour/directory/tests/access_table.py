"""Who may use each page of the directory app (collected by the access walk in core)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from harbour.testing import EVERYONE, Cast

EXPECTED: dict[str, AbstractSet[str]] = {
    # Not built yet: the page is not found for everyone.
    "directory:search": set(),
    # --- The HSDS 3.0 API (branch `directory`): published directory data, no person data.
    "hsds:root": EVERYONE,
    "hsds:openapi": EVERYONE,
    "hsds:services": EVERYONE,
    "hsds:service": EVERYONE,
    "hsds:organizations": EVERYONE,
    "hsds:organization": EVERYONE,
    "hsds:service_at_locations": EVERYONE,
    "hsds:service_at_location": EVERYONE,
    "hsds:taxonomies": EVERYONE,
    "hsds:taxonomy": EVERYONE,
    "hsds:taxonomy_terms": EVERYONE,
    "hsds:taxonomy_term": EVERYONE,
    # --- end of the HSDS API
}


def _hsds_samples() -> dict[str, dict[str, Any]]:
    from harbour.directory.models import Location, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

    org, _ = Organization.objects.get_or_create(id="0d1e2f30-0000-4000-8000-000000000001", defaults={"name": "Walk"})
    service, _ = Service.objects.get_or_create(
        id="0d1e2f30-0000-4000-8000-000000000002", defaults={"name": "Walk service", "organization": org}
    )
    location, _ = Location.objects.get_or_create(id="0d1e2f30-0000-4000-8000-000000000003")
    sal, _ = ServiceAtLocation.objects.get_or_create(
        id="0d1e2f30-0000-4000-8000-000000000004", defaults={"service": service, "location": location}
    )
    taxonomy, _ = Taxonomy.objects.get_or_create(id="0d1e2f30-0000-4000-8000-000000000005", defaults={"name": "Walk"})
    term, _ = TaxonomyTerm.objects.get_or_create(
        id="0d1e2f30-0000-4000-8000-000000000006", defaults={"name": "Walk", "taxonomy_detail": taxonomy}
    )
    return {
        "hsds:service": {"id": service.id},
        "hsds:organization": {"id": org.id},
        "hsds:service_at_location": {"id": sal.id},
        "hsds:taxonomy": {"id": taxonomy.id},
        "hsds:taxonomy_term": {"id": term.id},
    }


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    return {**_hsds_samples()}
