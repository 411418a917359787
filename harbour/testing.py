"""The shared cast of the test suite: organisations and people every test can name.

alice administers Harbour House, bob is her case worker and hana her hotline
operator; carol is a case worker at another organisation (the outsider) and
omar its administrator;
cora coordinates the network; lee is a law-enforcement liaison and rhea a
researcher, who must never see anyone's data; pat works at an organisation
still waiting for vetting.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harbour.core.roles import TWO_FACTOR_ROLES, Role
from harbour.network.models import Member, Organisation

CAST_PASSWORD = "correct horse battery staple"  # noqa: S105 - test fixture
CAST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - test fixture

# Who the access walk (core/tests/test_access_policy.py) tries each URL as.
EVERYONE = frozenset({"anonymous", "alice", "bob", "hana", "carol", "omar", "cora", "lee", "rhea", "pat"})
MEMBERS = EVERYONE - {"anonymous"}
# pat's organisation waits for vetting: pat reaches only pages about their own account.
VETTED_MEMBERS = MEMBERS - {"pat"}

# The type of pytest-django's `django_assert_num_queries` fixture.
AssertNumQueries = Callable[[int], AbstractContextManager[Any]]


def app_access_tables() -> list[ModuleType]:
    """Each app's `tests/access_table.py`: EXPECTED (who gets in) and `samples(cast)` (URL arguments)."""
    tables = []
    for config in apps.get_app_configs():
        if config.name.startswith("harbour.") and importlib.util.find_spec(f"{config.name}.tests.access_table"):
            tables.append(importlib.import_module(f"{config.name}.tests.access_table"))
    return tables


@dataclass
class Cast:
    harbour_house: Organisation
    prairie_clinic: Organisation
    secretariat: Organisation
    police: Organisation
    university: Organisation
    pending_org: Organisation
    alice: Member
    bob: Member
    hana: Member
    carol: Member
    cora: Member
    lee: Member
    rhea: Member
    pat: Member
    omar: Member

    def members(self) -> dict[str, Member]:
        names = ("alice", "bob", "hana", "carol", "omar", "cora", "lee", "rhea", "pat")
        return {name: getattr(self, name) for name in names}


def _organisation(name: str, kind: str, province: str, city: str, vetted: bool = True) -> Organisation:
    return Organisation.objects.create(
        name=name,
        kind=kind,
        province=province,
        city=city,
        languages=["en", "fr"],
        vetting_status=Organisation.Vetting.VETTED if vetted else Organisation.Vetting.PENDING,
    )


def _member(name: str, organisation: Organisation, role: str) -> Member:
    member = Member(
        email=f"{name}@cast.example",
        full_name=name.capitalize(),
        organisation=organisation,
        role=role,
    )
    member.set_password(CAST_PASSWORD)
    if role in TWO_FACTOR_ROLES:
        member.totp_secret = CAST_TOTP_SECRET
    member.save()
    return member


def make_cast() -> Cast:
    harbour_house = _organisation("Harbour House", Organisation.Kind.SHELTER, "ON", "Toronto")
    prairie_clinic = _organisation("Prairie Legal Clinic", Organisation.Kind.LEGAL_CLINIC, "MB", "Winnipeg")
    secretariat = _organisation("Network Secretariat", Organisation.Kind.NGO, "ON", "Ottawa")
    police = _organisation("City Police Liaison Office", Organisation.Kind.LAW_ENFORCEMENT, "BC", "Vancouver")
    university = _organisation("Coastal University", Organisation.Kind.ACADEMIC, "NS", "Halifax")
    pending_org = _organisation("New Settlement Services", Organisation.Kind.SETTLEMENT, "AB", "Calgary", False)
    return Cast(
        harbour_house=harbour_house,
        prairie_clinic=prairie_clinic,
        secretariat=secretariat,
        police=police,
        university=university,
        pending_org=pending_org,
        alice=_member("alice", harbour_house, Role.ORG_ADMIN),
        bob=_member("bob", harbour_house, Role.CASE_WORKER),
        hana=_member("hana", harbour_house, Role.HOTLINE_OPERATOR),
        carol=_member("carol", prairie_clinic, Role.CASE_WORKER),
        cora=_member("cora", secretariat, Role.COORDINATOR),
        lee=_member("lee", police, Role.LIAISON),
        rhea=_member("rhea", university, Role.RESEARCHER),
        pat=_member("pat", pending_org, Role.CASE_WORKER),
        omar=_member("omar", prairie_clinic, Role.ORG_ADMIN),
    )


def signed_in(member: Member | None = None) -> Client:
    """A test client with `member` signed in (`force_login`, so no sign-in form); anonymous for None."""
    client = Client()
    if member is not None:
        client.force_login(member)
    return client


def raw_column(table: str, column: str, pk: int) -> str:
    """What the database holds in one column of one row, read past the ORM and so past decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test-controlled names
        return str(cursor.fetchone()[0])


def queries_of_page(client: Client, url: str) -> int:
    """How many queries one GET of `url` makes, after a first GET has warmed per-process caches."""
    _expect_page(client.get(url), url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    _expect_page(response, url)
    return len(queries)


def assert_queries_do_not_grow(
    assert_num_queries: AssertNumQueries,
    client: Client,
    url: str,
    add: Callable[[int], object],
) -> None:
    """The page makes as many queries with 50 records as with 1: `add(n)` adds n more records.

    `assert_num_queries` is pytest-django's `django_assert_num_queries` fixture.
    """
    add(1)
    with_one = queries_of_page(client, url)
    add(49)
    with assert_num_queries(with_one):
        response = client.get(url)
    _expect_page(response, url)


def _expect_page(response: HttpResponseBase, url: str) -> None:
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}, not a page")
