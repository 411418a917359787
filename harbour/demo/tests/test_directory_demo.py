"""The demo directory: generated, valid HSDS, and broad enough to show every part of the directory."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Q

from harbour.core.roles import Role
from harbour.demo.directory_load import demo_directory_load
from harbour.directory import vocabulary
from harbour.directory.models import Address, Attribute, BedAvailability, ConfidentialAddress, Location, Service
from harbour.directory.search import SearchQuery, search
from harbour.network.models import Member, Organisation


def test_the_demo_file_is_what_the_generator_writes():
    call_command("directory_demo_build", "--check")


@pytest.mark.django_db
def test_the_demo_directory_covers_every_need_and_population_in_many_cities():
    network = Organisation.objects.create(
        name="Lakeshore Women's Shelter (demo)", kind="shelter", province="ON", city="Toronto", is_demo=True
    )
    # The coordinators' organisation holds the key of the shelters no member organisation keeps.
    secretariat = Organisation.objects.create(name="Secretariat (demo)", kind="ngo", province="ON", city="Ottawa")
    Member.objects.create(email="cora@demo.example", full_name="Cora", organisation=secretariat, role=Role.COORDINATOR)
    today = datetime.date(2027, 3, 1)
    added = demo_directory_load(today=today)
    assert added >= 300
    assert demo_directory_load(today=today) == 0  # a second run keeps what is there
    cities = set(Address.objects.values_list("city", flat=True))
    assert len(cities) >= 25
    linked = set(Attribute.objects.values_list("taxonomy_term_id", flat=True))
    for term in (*vocabulary.NEEDS, *vocabulary.POPULATIONS, *vocabulary.SAFETY):
        assert term.id in linked, term.code

    # Harbour's own facts left `extra`: nothing of them can reach an export or the API.
    assert not Location.objects.filter(extra__has_key="x_harbour").exists()
    assert not Service.objects.filter(extra__has_key="x_harbour").exists()
    secrets = ConfidentialAddress.objects.all()
    assert secrets.count() >= 30
    for secret in secrets[:20]:
        public = Address.objects.get(location=secret.location)
        assert secret.address_1 and not public.address_1 and not public.postal_code
        assert (secret.latitude, secret.longitude) != (secret.location.latitude, secret.location.longitude)
    assert {secret.key_owner_id for secret in secrets} <= {network.pk, secretariat.pk}

    assert Service.objects.exclude(name_fr="").count() > Service.objects.filter(name_fr="").count() > 0
    stale = Service.objects.filter(assured_date__lt=today - datetime.timedelta(days=183)).count()
    assert 0 < stale < added / 3
    assert BedAvailability.objects.count() >= 50
    assert search(SearchQuery(always_open=True)).total > 20
    assert Service.objects.filter(organization__network_organisation=network).exists()
    assert Service.objects.filter(Q(cost_options__amount__gt=0)).exists()
