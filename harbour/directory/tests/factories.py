"""Directory records for tests: a service at one place, with the needs, people and facts a test names."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from django.utils import timezone

from harbour.directory import places, vocabulary
from harbour.directory.models import (
    Address,
    Attribute,
    ConfidentialAddress,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    point_text,
)
from harbour.directory.taxonomy_map import taxonomies_ensure
from harbour.network.models import Organisation

_numbers = itertools.count(1)

EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def _directory_keeper() -> Organisation:
    """The network organisation whose key encrypts the confidential addresses of listings no member keeps."""
    keeper, _created = Organisation.objects.get_or_create(
        name="Directory keeper", defaults={"kind": Organisation.Kind.NGO, "province": "ON", "city": "Toronto"}
    )
    return keeper


def service_make(
    *,
    name: str,
    name_fr: str = "",
    description: str = "A test service.",
    description_fr: str = "",
    organisation: Organisation | None = None,
    organisation_name: str | None = None,
    point: places.Point | None = None,
    points: Iterable[places.Point] = (),
    city: str = "Toronto",
    province: str = "ON",
    needs: Iterable[str] = (),
    populations: Iterable[str] = (),
    languages: Iterable[str] = ("en",),
    status_safe: bool = False,
    free: bool | None = None,
    always_open: bool = False,
    hours: tuple[str, str, str] | None = None,
    confidential: bool = False,
    street: str | None = None,
    phone: str | None = None,
    assured_date: datetime.date | None = None,
    status: str = Service.Status.ACTIVE,
) -> Service:
    """One service with one location per point (Toronto's centre when none is given)."""
    n = next(_numbers)
    taxonomies_ensure()
    organization, _created = Organization.objects.get_or_create(
        id=f"org-{organisation.pk if organisation else organisation_name or n}",
        defaults={"name": organisation.name if organisation else organisation_name or f"Organisation {n}"},
    )
    if organisation is not None and organization.network_organisation_id != organisation.pk:
        organization.network_organisation = organisation
        organization.save()
    service = Service.objects.create(
        id=f"service-{n}",
        organization=organization,
        name=name,
        name_fr=name_fr,
        description=description,
        description_fr=description_fr,
        status=status,
        url=f"https://service-{n}.example",
        assured_date=assured_date or timezone.localdate(),
    )
    service.search_text = service.compute_search_text()
    service.save(update_fields=["search_text"])
    Phone.objects.create(id=f"phone-{n}", service=service, number=phone or f"+1 416 555 {n % 10000:04d}")
    for code in languages:
        Language.objects.create(id=f"language-{n}-{code}", service=service, code=code, name=code)
    terms = [t for c in needs if (t := vocabulary.need(c))] + [
        t for c in populations if (t := vocabulary.population(c))
    ]
    if status_safe:
        terms += list(vocabulary.SAFETY)
    for term in terms:
        Attribute.objects.create(
            id=f"attribute-{n}-{term.code}", link_id=service.id, link_entity="service", taxonomy_term_id=term.id
        )
    if free is not None:
        CostOption.objects.create(id=f"cost-{n}", service=service, amount=0 if free else 25, currency="CAD")
    if always_open:
        Schedule.objects.create(
            id=f"schedule-{n}",
            service=service,
            byday=EVERY_DAY,
            opens_at="00:00:00",
            closes_at="23:59:59",
            freq="WEEKLY",
        )
    elif hours:
        days, opens, closes = hours
        Schedule.objects.create(
            id=f"schedule-{n}", service=service, byday=days, opens_at=opens, closes_at=closes, freq="WEEKLY"
        )
    every_point = list(points) or [point or places.Point(43.6532, -79.3832)]
    for index, where in enumerate(every_point):
        location_id = f"location-{n}-{index}"
        if confidential:
            coarse = places.city_point(city, province) or where
            location = Location.objects.create(
                id=location_id,
                organization=organization,
                name=f"{name} site {index + 1}",
                latitude=coarse.latitude,
                longitude=coarse.longitude,
                confidential=True,
            )
            Address.objects.create(id=f"address-{n}-{index}", location=location, city=city, state_province=province)
            ConfidentialAddress.objects.create(
                location=location,
                key_owner=organisation or _directory_keeper(),
                address_1=street or f"{100 + n} Hidden Lane",
                city=city,
                state_province=province,
                postal_code="M5V 9Z9",
                point=point_text(where.latitude, where.longitude),
            )
        else:
            location = Location.objects.create(
                id=location_id,
                organization=organization,
                name=f"{name} site {index + 1}",
                latitude=where.latitude,
                longitude=where.longitude,
            )
            Address.objects.create(
                id=f"address-{n}-{index}",
                location=location,
                address_1=street or f"{n} Open Street",
                city=city,
                state_province=province,
                postal_code="M5V 1A1",
            )
        ServiceAtLocation.objects.create(id=f"sal-{n}-{index}", service=service, location=location)
    return service
