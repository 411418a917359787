"""Keeping a confidential location's address out of every public channel.

A confidential location (a shelter, a safe house) has its street address and
exact point in `ConfidentialAddress` only. Its public rows (Location and
Address, which the API, exports, pages and search read) keep the city, the
province and a coarse point: the centre of its postal area, else of its city.
"""

from __future__ import annotations

from collections.abc import Iterable

from harbour.directory import places
from harbour.directory.models import Address, ConfidentialAddress, Location


def protect_confidential_locations(locations: Iterable[Location]) -> int:
    """Move any precise address or point on these confidential locations' public rows to their confidential address."""
    done = 0
    for location in locations:
        protect_location(location)
        done += 1
    return done


def protect_location(location: Location) -> None:
    addresses = list(Address.objects.filter(location_id=location.id).order_by("id"))
    secret, _created = ConfidentialAddress.objects.get_or_create(location=location, defaults={"address_1": ""})
    street = next((a for a in addresses if a.address_1), None)
    if street is not None:
        secret.address_1 = street.address_1 or ""
        secret.address_2 = street.address_2 or ""
        secret.city = street.city or secret.city
        secret.state_province = street.state_province or secret.state_province
        secret.postal_code = street.postal_code or secret.postal_code
    coarse = places.coarse_point(secret.postal_code, secret.city, secret.state_province)
    is_coarse = coarse is not None and (location.latitude, location.longitude) == (coarse.latitude, coarse.longitude)
    if location.latitude is not None and location.longitude is not None and not is_coarse:
        secret.latitude, secret.longitude = location.latitude, location.longitude
    secret.save()
    for address in addresses:
        address.attention = None
        address.address_1 = ""
        address.address_2 = None
        address.postal_code = ""
        address.save(update_fields=["attention", "address_1", "address_2", "postal_code"])
    location.latitude = coarse.latitude if coarse else None
    location.longitude = coarse.longitude if coarse else None
    location.confidential = True
    location.save(update_fields=["latitude", "longitude", "confidential"])
