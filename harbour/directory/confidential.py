"""Keeping a confidential location's address out of every public channel, and out of the database's clear text.

A confidential location (a shelter, a safe house) has its street address and
exact point in `ConfidentialAddress` only. Its public rows (Location and
Address, which the API, exports, pages and search read) keep the city, the
province and a coarse point: the centre of its postal area, else of its city.

The confidential row itself is ciphertext under a network organisation's data
key (`key_owner_for`): the listing's own network organisation, or, for a listing
no member organisation keeps, the directory's custodian, the organisation of the
network's first coordinator (coordinators keep the directory). With no such
organisation there is no key to hold the address, so none is kept: the public
row stays coarse and members are told to call. Members' pages read the rows in
bulk (`open_addresses`, `exact_points`), one query for the rows and one for
their keys, and compute distances in Python.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from harbour.core import crypto
from harbour.core.roles import Role
from harbour.directory import places
from harbour.directory.models import Address, ConfidentialAddress, Location, Organization, point_parse
from harbour.network.models import Member, Organisation

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("address_1", "address_2", "postal_code", "point", "directions")


@dataclass(frozen=True)
class OpenAddress:
    """A confidential address as members see it, decrypted for one page."""

    address_1: str
    address_2: str
    city: str
    state_province: str
    postal_code: str
    directions: str
    latitude: float | None
    longitude: float | None


def custodian_id() -> int | None:
    """The directory's custodian: the organisation of the earliest active coordinator, never a state body."""
    return (
        Member.objects.filter(role=Role.COORDINATOR, is_active=True)
        .exclude(organisation__kind__in=Organisation.STATE_KINDS)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


def key_owner_for(organization_id: str | None) -> int | None:
    """The network organisation whose data key encrypts a listing's confidential addresses."""
    owner = None
    if organization_id:
        owner = (
            Organization.objects.filter(id=organization_id).values_list("network_organisation_id", flat=True).first()
        )
    return owner or custodian_id()


def _open(value: object, field: str, owner: int) -> str:
    if isinstance(value, crypto.Sealed):
        return crypto.decrypt(value.token, context=f"directory.confidentialaddress.{field}", organisation_id=owner)
    return str(value or "")


def open_addresses(location_ids: Iterable[str]) -> dict[str, OpenAddress]:
    """The decrypted confidential addresses of these locations, by location id (two queries)."""
    rows = list(
        ConfidentialAddress.objects.filter(location_id__in=set(location_ids)).values_list(
            "location_id", "key_owner_id", "city", "state_province", *SECRET_FIELDS
        )
    )
    found: dict[str, OpenAddress] = {}
    with crypto.keys_read_once():
        for location_id, owner, city, province, *sealed in rows:
            values = {field: _open(value, field, owner) for field, value in zip(SECRET_FIELDS, sealed, strict=True)}
            point = point_parse(values.pop("point"))
            found[str(location_id)] = OpenAddress(
                city=city,
                state_province=province,
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
                **values,
            )
    return found


def exact_points(location_ids: Iterable[str]) -> dict[str, places.Point]:
    """The exact points of these confidential locations that have one, by location id (two queries)."""
    rows = list(
        ConfidentialAddress.objects.filter(location_id__in=set(location_ids)).values_list(
            "location_id", "key_owner_id", "point"
        )
    )
    found = {}
    with crypto.keys_read_once():
        for location_id, owner, sealed in rows:
            point = point_parse(_open(sealed, "point", owner))
            if point is not None:
                found[str(location_id)] = places.Point(*point)
    return found


def protect_confidential_locations(locations: Iterable[Location]) -> int:
    """Move any precise address or point on these confidential locations' public rows to their confidential address."""
    done = 0
    for location in locations:
        protect_location(location)
        done += 1
    return done


def protect_location(location: Location) -> None:
    addresses = list(Address.objects.filter(location_id=location.id).order_by("id"))
    owner = key_owner_for(location.organization_id)
    secret = ConfidentialAddress.objects.filter(location=location).first()
    if secret is not None:
        # Read every value under the key it was written with before the owner may change.
        for name in SECRET_FIELDS:
            getattr(secret, name)
    else:
        secret = ConfidentialAddress(location=location, address_1="")
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
        secret.move_to(location.latitude, location.longitude)
    if owner is None:
        # No organisation holds a key for it: the precise address is not kept at all.
        logger.warning("a confidential location's address was not kept: no network organisation holds a key for it")
        if secret.pk is not None and ConfidentialAddress.objects.filter(pk=secret.pk).exists():
            secret.delete()
    else:
        secret.key_owner_id = owner
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
