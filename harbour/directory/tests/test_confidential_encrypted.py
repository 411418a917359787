"""A shelter's confidential address is ciphertext in the database; members still get it, and distances to it."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from harbour.core import crypto
from harbour.core.models import DataKey
from harbour.directory import places
from harbour.directory.models import ConfidentialAddress, Location
from harbour.directory.search import SearchQuery, search
from harbour.directory.tests.factories import service_make
from harbour.testing import Cast

STREET = "12 Lantern Mews"
POSTCODE = "M5V 9Z9"  # what the factory gives every confidential address
EXACT = places.Point(43.64871, -79.39562)
DOWNTOWN = places.Point(43.6426, -79.3871)
NORTH_YORK = places.Point(43.7615, -79.4111)
MISSISSAUGA = places.Point(43.5890, -79.6441)  # about 28 km from Toronto's centre


def _secrets(latitude: float, longitude: float, street: str = STREET, postcode: str = POSTCODE) -> list[bytes]:
    """Every form a secret could take in a dump: text, and (for the point) SQLite's and PostgreSQL's doubles."""
    texts = [street, postcode, postcode.replace(" ", ""), repr(latitude), repr(longitude)]
    doubles = [struct.pack(order, value) for value in (latitude, longitude) for order in (">d", "<d")]
    return [text.encode() for text in texts] + doubles


def _raw_dump(tmp_path: Path) -> bytes:
    """The whole database as someone with a copy of it would read it: without Harbour, without its keys."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dumped = "\n".join(connection.connection.iterdump()).encode()
        copy = tmp_path / "copy.sqlite3"
        copy.unlink(missing_ok=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return dumped + copy.read_bytes()
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(t)::text FROM directory_confidentialaddress t")
        raw_rows = "\n".join(row[0] for row in cursor.fetchall()).encode()
    pg_dump = shutil.which("pg_dump")
    assert pg_dump is not None, "pg_dump comes with PostgreSQL's client (scripts/system-deps)"
    dumped = subprocess.run(  # noqa: S603 - a fixed program and the test database's own settings
        [
            pg_dump,
            "--data-only",
            f"--host={settings['HOST']}",
            f"--port={settings['PORT']}",
            f"--username={settings['USER']}",
            settings["NAME"],
        ],
        check=True,
        capture_output=True,
        env={"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"},
    ).stdout
    return raw_rows + dumped


@pytest.mark.django_db(transaction=True)
def test_a_raw_dump_of_the_database_shows_no_confidential_street_postcode_or_point(cast: Cast, tmp_path: Path):
    service_make(name="Lantern House", confidential=True, organisation=cast.harbour_house, point=EXACT, street=STREET)
    dump = _raw_dump(tmp_path)
    # The dump is real: the public facts are in it, in clear.
    assert b"Lantern House" in dump and b"Toronto" in dump
    for secret in _secrets(EXACT.latitude, EXACT.longitude):
        assert secret not in dump, secret
    # And Harbour reads them back for members.
    secret_row = ConfidentialAddress.objects.get()
    assert (secret_row.address_1, secret_row.postal_code) == (STREET, POSTCODE)
    assert (secret_row.latitude, secret_row.longitude) == (EXACT.latitude, EXACT.longitude)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_addresses_kept_in_clear_before_it(cast: Cast, tmp_path: Path):
    service_make(name="Old shelter", confidential=True, organisation=cast.harbour_house, point=EXACT, street=STREET)
    location_id = Location.objects.get(confidential=True).id
    ConfidentialAddress.objects.all().delete()
    executor = MigrationExecutor(connection)
    before = [("directory", "0023_sal_point")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("directory", "ConfidentialAddress")
    old.objects.create(
        location_id=location_id,
        address_1=STREET,
        postal_code=POSTCODE,
        city="Toronto",
        latitude=EXACT.latitude,
        longitude=EXACT.longitude,
        directions="Blue door",
    )
    # What the issue found: a copy of the database lists the street, postal code and point.
    clear = _raw_dump(tmp_path)
    assert STREET.encode() in clear and POSTCODE.encode() in clear
    assert any(form in clear for form in _secrets(EXACT.latitude, EXACT.longitude)[3:])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    dump = _raw_dump(tmp_path)
    for secret in [*_secrets(EXACT.latitude, EXACT.longitude), b"Blue door"]:
        assert secret not in dump, secret
    row = ConfidentialAddress.objects.get()
    assert row.key_owner_id == cast.harbour_house.pk
    assert (row.address_1, row.postal_code, row.directions) == (STREET, POSTCODE, "Blue door")
    assert (row.latitude, row.longitude) == (EXACT.latitude, EXACT.longitude)


def _shelter(name: str, exact: places.Point, cast: Cast) -> Any:
    # Every one of these has Toronto's centre as its public point.
    return service_make(name=name, confidential=True, organisation=cast.harbour_house, point=exact, street=STREET)


def _names(query: SearchQuery) -> list[str]:
    return [result.service.name for result in search(query).results]


@pytest.mark.django_db
def test_members_rank_shelters_by_their_exact_points_and_the_public_by_the_coarse_one(cast: Cast):
    _shelter("A north", NORTH_YORK, cast)
    _shelter("B downtown", DOWNTOWN, cast)
    _shelter("C west", MISSISSAUGA, cast)
    members = SearchQuery(origin=DOWNTOWN, radius_km=5, include_confidential=True)
    assert _names(members) == ["B downtown"]
    assert _names(SearchQuery(origin=DOWNTOWN, radius_km=50, include_confidential=True)) == [
        "B downtown",
        "A north",
        "C west",
    ]
    # The public sees all three at Toronto's centre (about 11 km away), in name order.
    assert _names(SearchQuery(origin=DOWNTOWN, radius_km=5)) == []
    assert _names(SearchQuery(origin=DOWNTOWN, radius_km=25)) == ["A north", "B downtown", "C west"]
    # Far from the public point, near the exact one: members find it, the public does not.
    assert _names(SearchQuery(origin=MISSISSAUGA, radius_km=5, include_confidential=True)) == ["C west"]
    assert _names(SearchQuery(origin=MISSISSAUGA, radius_km=5)) == []
    member = search(SearchQuery(origin=MISSISSAUGA, radius_km=5, include_confidential=True)).results[0]
    assert member.distance_km is not None and member.distance_km < 0.1


@pytest.mark.django_db
def test_rotating_an_organisations_key_re_encrypts_its_shelters_addresses(cast: Cast, settings: Any):
    settings.HARBOUR_KEY_ROTATION_GRACE_SECONDS = 0
    _shelter("Lantern House", EXACT, cast)
    before = ConfidentialAddress.objects.values_list("address_1", flat=True).get()
    call_command("rotate_keys", "--organisation", str(cast.harbour_house.pk), stdout=io.StringIO())
    after = ConfidentialAddress.objects.values_list("address_1", flat=True).get()
    assert isinstance(before, crypto.Sealed) and isinstance(after, crypto.Sealed)
    assert before.key_id != after.key_id
    assert bytes(DataKey.objects.get(pk=before.key_id).wrapped) == b""  # the old key is destroyed
    assert ConfidentialAddress.objects.get().address_1 == STREET
