"""Loads the demo directory (`data/demo_directory.json`) into the database, all or nothing.

The file holds HSDS 3.0 compiled services as `harbour.directory.demo` writes
them; Harbour's own facts (French text, confidential addresses, beds tonight)
ride in each record's `x_harbour` object. Dates move so that the file's
reference date is today. Organisations named like a demo network organisation
are linked to it, so its administrators can keep their services current.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from harbour.directory import demo, vocabulary
from harbour.directory.models import (
    Accessibility,
    Address,
    Attribute,
    BedAvailability,
    ConfidentialAddress,
    CostOption,
    HSDSRecord,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from harbour.network.models import Organisation

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_directory.json"


def _fields(model: type[HSDSRecord], data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in model.hsds_fields if data.get(name) is not None}


def taxonomies_ensure() -> None:
    """Harbour's taxonomies and terms exist, with their stable ids."""
    for taxonomy in vocabulary.hsds_taxonomies():
        Taxonomy.objects.update_or_create(id=taxonomy["id"], defaults=_fields(Taxonomy, taxonomy))
    for term in vocabulary.hsds_taxonomy_terms():
        detail: Any = term["taxonomy_detail"]
        TaxonomyTerm.objects.update_or_create(
            id=term["id"], defaults={**_fields(TaxonomyTerm, term), "taxonomy_detail_id": detail["id"]}
        )


class _Batch:
    def __init__(self) -> None:
        self.rows: dict[type[Any], list[Any]] = {}

    def add(self, row: Any) -> None:
        self.rows.setdefault(type(row), []).append(row)

    def save(self) -> None:
        order = (
            Organization,
            Service,
            Location,
            ServiceAtLocation,
            Address,
            ConfidentialAddress,
            Phone,
            Schedule,
            Language,
            CostOption,
            Accessibility,
            Attribute,
            BedAvailability,
        )
        for model in order:
            model.objects.bulk_create(self.rows.get(model, []), batch_size=500)


def _phones(batch: _Batch, items: list[dict[str, Any]], **link: Any) -> None:
    for phone in items:
        batch.add(Phone(id=phone["id"], **_fields(Phone, phone), **link))


def _schedules(batch: _Batch, items: list[dict[str, Any]], **link: Any) -> None:
    for schedule in items:
        batch.add(Schedule(id=schedule["id"], **_fields(Schedule, schedule), **link))


def demo_directory_load(path: Path = DEMO_FILE, *, today: datetime.date | None = None) -> int:
    """Loads the demo directory unless it is there already; returns how many services it added."""
    services = json.loads(path.read_text(encoding="utf-8"))
    if Service.objects.filter(id=services[0]["id"]).exists():
        return 0
    shift = (today or timezone.localdate()) - demo.REFERENCE_DATE
    now = timezone.now()
    network = {organisation.name: organisation for organisation in Organisation.objects.filter(is_demo=True)}
    batch = _Batch()
    seen_organisations: set[str] = set()
    with transaction.atomic():
        taxonomies_ensure()
        for data in services:
            organisation = data["organization"]
            if organisation["id"] not in seen_organisations:
                seen_organisations.add(organisation["id"])
                batch.add(
                    Organization(
                        id=organisation["id"],
                        network_organisation=network.get(organisation["name"]),
                        **_fields(Organization, organisation),
                    )
                )
            fields = _fields(Service, data)
            assured = datetime.date.fromisoformat(data["assured_date"]) + shift
            fields["assured_date"] = assured
            fields["last_modified"] = f"{assured.isoformat()}T12:00:00Z"
            extension = data.get(demo.EXTENSION, {})
            batch.add(
                Service(
                    id=data["id"],
                    organization_id=organisation["id"],
                    name_fr=extension.get("name_fr", ""),
                    description_fr=extension.get("description_fr", ""),
                    **fields,
                )
            )
            _phones(batch, data.get("phones", []), service_id=data["id"])
            _schedules(batch, data.get("schedules", []), service_id=data["id"])
            for language in data.get("languages", []):
                batch.add(Language(id=language["id"], service_id=data["id"], **_fields(Language, language)))
            for cost in data.get("cost_options", []):
                batch.add(CostOption(id=cost["id"], service_id=data["id"], **_fields(CostOption, cost)))
            for attribute in data.get("attributes", []):
                batch.add(
                    Attribute(
                        id=attribute["id"],
                        link_id=attribute["link_id"],
                        taxonomy_term_id=attribute["taxonomy_term_id"],
                        **_fields(Attribute, attribute),
                    )
                )
            for sal in data.get("service_at_locations", []):
                location = sal["location"]
                private = location.get(demo.EXTENSION, {})
                batch.add(
                    Location(
                        id=location["id"],
                        organization_id=organisation["id"],
                        confidential=bool(private.get("confidential")),
                        **_fields(Location, location),
                    )
                )
                batch.add(ServiceAtLocation(id=sal["id"], service_id=data["id"], location_id=location["id"]))
                for address in location.get("addresses", []):
                    public = _fields(Address, address)
                    if secret := private.get("confidential_address"):
                        public.update(address_1="", postal_code="")
                    batch.add(Address(id=address["id"], location_id=location["id"], **public))
                for item in location.get("accessibility", []):
                    batch.add(Accessibility(id=item["id"], location_id=location["id"], **_fields(Accessibility, item)))
                if secret := private.get("confidential_address"):
                    batch.add(
                        ConfidentialAddress(
                            location_id=location["id"],
                            address_1=secret["address_1"],
                            city=secret["city"],
                            state_province=secret["state_province"],
                            postal_code=secret["postal_code"],
                            latitude=secret["latitude"],
                            longitude=secret["longitude"],
                        )
                    )
                beds = private.get("beds")
                if beds:
                    batch.add(
                        BedAvailability(
                            location_id=location["id"],
                            places_available=beds["places_available"],
                            updated_at=now - datetime.timedelta(hours=beds["hours_ago"]),
                        )
                    )
        batch.save()
    return len(services)
