"""`may_use` reads the target view's own policy, so a link is shown exactly when its page would open."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client
from django.urls import NoReverseMatch, reverse

from harbour.core import access, roles
from harbour.core.roles import Role
from harbour.core.tests.test_access_policy import EXPECTED, all_views
from harbour.network.models import Member
from harbour.testing import Cast


@pytest.mark.django_db
def test_may_use_lets_in_everyone_the_walk_lets_in(cast: Cast) -> None:
    people: dict[str, Member | AnonymousUser] = {"anonymous": AnonymousUser(), **cast.members()}
    for name, allowed in EXPECTED.items():
        for person in allowed:
            # The walk's sets also apply each view's own 404 for other organisations' objects,
            # so they can only be narrower than the policy.
            assert access.may_use(people[person], name), f"{person} is let into {name} but not shown its link"


@pytest.mark.django_db
def test_may_use_refuses_whom_the_middleware_refuses(cast: Cast) -> None:
    people: dict[str, Member | AnonymousUser] = {"anonymous": AnonymousUser(), **cast.members()}
    argumentless = [name for name in all_views() if _reverses_without_arguments(name)]
    assert "network:organisation_audit" in argumentless
    for name in argumentless:
        for person, member in people.items():
            if access.may_use(member, name):
                continue
            client = Client()
            if isinstance(member, Member):
                client.force_login(member)
            response = client.get(reverse(name))
            refused = response.status_code == 403 or (
                response.status_code == 302 and "sign-in" in response.get("Location", "")
            )
            assert refused, f"{name} opened for {person} ({response.status_code}) though may_use said no"


def _reverses_without_arguments(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_an_unknown_view_name_is_an_error_not_a_hidden_link() -> None:
    with pytest.raises(NoReverseMatch):
        access.may_use(None, "cases:no_such_view")


def test_anonymous_visitors_may_use_public_pages_only() -> None:
    assert access.may_use(AnonymousUser(), "home")
    assert access.may_use(None, "privacy")
    assert not access.may_use(AnonymousUser(), "network:dashboard")


@pytest.mark.django_db
def test_the_template_filter_shows_a_link_by_the_target_policy(cast: Cast) -> None:
    template = Template('{% load access %}{% if user|may_use:"cases:case_edit" %}edit{% else %}none{% endif %}')
    shown = {name: template.render(Context({"user": member})) for name, member in cast.members().items()}
    assert shown["bob"] == "edit" and shown["alice"] == "edit"
    # A hotline operator reads cases but does not change them; a liaison and a researcher never see one.
    assert shown["hana"] == "none" and shown["lee"] == "none" and shown["rhea"] == "none"
    # pat's organisation is not vetted yet.
    assert shown["pat"] == "none"


def test_every_role_set_names_only_known_roles_and_person_data_never_reaches_liaison_or_researcher() -> None:
    sets = {
        name: value
        for name, value in vars(roles).items()
        if name.isupper() and isinstance(value, frozenset) and name != "NEVER_PERSON_DATA_ROLES"
    }
    assert {"FRONT_LINE", "EDITORS", "CASE_WRITERS", "ADMINISTRATORS", "COORDINATORS"} <= sets.keys()
    for name, value in sets.items():
        assert value <= roles.ALL_ROLES, name
    assert not roles.PERSON_DATA_ROLES & {Role.LIAISON, Role.RESEARCHER}
    assert roles.CASE_WRITERS <= roles.PERSON_DATA_ROLES


@pytest.mark.django_db
def test_every_link_on_the_members_home_opens_for_whoever_sees_it(cast: Cast) -> None:
    for name, member in cast.members().items():
        client = Client()
        client.force_login(member)
        page = client.get(reverse("network:dashboard")).content.decode()
        work = page.split('<ul class="actions">', 1)[1].split("</ul>", 1)[0]
        links = re.findall(r'href="([^"]+)"', work)
        assert links or name == "pat", name
        for link in links:
            status = client.get(link).status_code
            assert status == 200, f"{name} is shown {link}, which answers {status}"
