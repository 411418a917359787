"""Who may use each page of the directory app (collected by the access walk in core)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from harbour.testing import EVERYONE, Cast

# Confidential addresses and beds: the front line of vetted organisations and coordinators;
# never a liaison or a researcher.
FRONT_LINE = frozenset({"alice", "bob", "hana", "carol", "omar", "cora"})

EXPECTED: dict[str, AbstractSet[str]] = {
    # --- Pages for people: search, services, hotline, beds, upkeep, coverage (branch `directory-find`).
    "directory:search": EVERYONE,
    "directory:service": EVERYONE,
    "directory:member_search": FRONT_LINE,
    "directory:member_service": FRONT_LINE,
    "directory:hotline": FRONT_LINE,
    "directory:beds": frozenset({"alice", "bob", "hana", "carol", "omar"}),
    "directory:my_services": frozenset({"alice", "omar"}),
    # Scoped to the administrator's own organisation: the sample is Harbour House's service.
    "directory:service_edit": frozenset({"alice"}),
    "directory:service_verify": frozenset({"alice"}),
    "directory:stale": frozenset({"cora"}),
    "directory:gaps": frozenset({"cora"}),
    "directory:gaps_csv": frozenset({"cora"}),
    # --- end of the pages for people
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


def _page_samples(cast: Cast) -> dict[str, dict[str, Any]]:
    from harbour.directory.tests.factories import service_make

    service = service_make(name="Access walk shelter", organisation=cast.harbour_house, confidential=True)
    return {
        "directory:service": {"service_id": service.id},
        "directory:member_service": {"service_id": service.id},
        "directory:service_edit": {"service_id": service.id},
        "directory:service_verify": {"service_id": service.id},
    }


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    return {**_hsds_samples(), **_page_samples(cast)}
