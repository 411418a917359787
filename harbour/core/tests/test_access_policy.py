"""Every URL declares who may use it, and the walk below proves nobody else gets in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from harbour import urls as harbour_urls
from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.cases.models import Case
from harbour.core import access
from harbour.core.models import PersonRecord
from harbour.core.roles import Role
from harbour.network.models import Invitation, WorkingGroup
from harbour.testing import EVERYONE, MEMBERS, VETTED_MEMBERS, Cast, app_access_tables

# Who gets in, per URL. A new URL fails the walk until it is added here, or to
# its app's `tests/access_table.py` (EXPECTED, and `samples(cast)` for URLs that
# take arguments), so every new view gets a deliberate answer to "who may use this?".
FOUNDATION_EXPECTED: dict[str, AbstractSet[str]] = {
    "healthz": EVERYONE,
    "readyz": EVERYONE,
    "leave": EVERYONE,
    "home": EVERYONE,
    "privacy": EVERYONE,
    "network:sign_in": EVERYONE,
    "network:two_factor": EVERYONE,
    "network:two_factor_setup": EVERYONE,
    "network:password_reset": EVERYONE,
    "network:password_reset_confirm": EVERYONE,
    "network:invitation_accept": EVERYONE,
    "network:sign_out": MEMBERS,
    "network:dashboard": MEMBERS,
    "network:my_sign_ins": MEMBERS,
    "network:password_change": MEMBERS,
    "network:working_groups": VETTED_MEMBERS,
    "network:organisation_staff": {"alice", "omar"},
    # Sample objects belong to Harbour House: omar, another organisation's administrator, gets a 404.
    "network:member_remove": {"alice"},
    "network:member_two_factor_reset": {"alice"},
    "network:invitation_revoke": {"alice"},
    "network:organisation_audit": {"alice", "omar"},
    "network:organisations": {"cora"},
    "network:organisation_new": {"cora"},
    "network:organisation_vet": {"cora"},
    "network:working_group_new": {"cora"},
    "network:working_group_edit": {"cora"},
    # Cases keep their own table: harbour/cases/tests/access_table.py.
}


EXPECTED: dict[str, AbstractSet[str]] = dict(FOUNDATION_EXPECTED)
for _table in app_access_tables():
    EXPECTED.update(_table.EXPECTED)


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Callable[..., Any]]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry.callback


def all_views() -> dict[str, Callable[..., Any]]:
    return dict(_walk(get_resolver()))


def sample_kwargs(cast: Cast, case: Case) -> dict[str, dict[str, Any]]:
    """URL arguments for every URL that takes some: the foundation's, then each app's table."""
    group, _ = WorkingGroup.objects.get_or_create(name="Toronto", city="Toronto", province="ON")
    invitation, _ = Invitation.objects.get_or_create(
        organisation=cast.harbour_house,
        email="new@cast.example",
        defaults={"role": Role.CASE_WORKER, "token_digest": "0" * 64, "expires_at": Invitation.default_expiry()},
    )
    samples: dict[str, dict[str, Any]] = {
        "network:password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},
        "network:invitation_accept": {"token": "not-a-token"},
        "network:member_remove": {"member_id": cast.hana.pk},
        "network:member_two_factor_reset": {"member_id": cast.hana.pk},
        "network:invitation_revoke": {"invitation_id": invitation.pk},
        "network:organisation_vet": {"organisation_id": cast.pending_org.pk},
        "network:working_group_edit": {"group_id": group.pk},
    }
    for table in app_access_tables():
        if hasattr(table, "samples"):
            samples.update(table.samples(cast))
    return samples


def test_every_view_declares_an_access_policy() -> None:
    undeclared = sorted(name for name, view in all_views().items() if access.policy_of(view) is None)
    assert undeclared == []


def test_every_url_has_a_deliberate_expectation() -> None:
    assert set(all_views()) == set(EXPECTED)


def test_liaison_and_researcher_are_never_expected_on_member_only_data() -> None:
    for name, view in all_views().items():
        policy = access.policy_of(view)
        assert policy is not None
        if policy.person_data:
            assert not EXPECTED[name] & {"lee", "rhea", "anonymous", "cora", "pat"}, name
        if policy.roles is not None and not policy.allow_unvetted:
            assert "pat" not in EXPECTED[name], name


def _status(client: Client, url: str) -> int:
    return client.get(url).status_code


@pytest.mark.django_db
def test_walk_every_url_with_every_role(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary="walk test", consent=CASE_CONSENT)
    samples = sample_kwargs(cast, case)
    people: dict[str, Any] = {"anonymous": None, **cast.members()}
    failures = []
    for name in sorted(all_views()):
        url = reverse(name, kwargs=samples.get(name, {}))
        for who, member in people.items():
            client = Client()
            if member is not None:
                client.force_login(member)
            response = client.get(url)
            if response.status_code == 405:
                # A POST-only view: post to it, then undo whatever it did.
                with transaction.atomic():
                    response = client.post(url)
                    transaction.set_rollback(True)
            # Refused means: sent to sign in (with the page to come back to), forbidden, or not found.
            refused = response.status_code in (403, 404) or (
                response.status_code == 302 and "/sign-in/?next=" in response["Location"]
            )
            let_in = not refused
            if let_in != (who in EXPECTED[name]):
                failures.append(f"{name} {url} as {who}: {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_outsider_gets_not_found_not_forbidden_for_another_organisations_case(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary="private", consent=CASE_CONSENT)
    client = Client()
    client.force_login(cast.carol)
    assert client.get(reverse("cases:case_detail", args=[case.reference])).status_code == 404


def test_person_data_views_cannot_name_liaison_or_researcher() -> None:
    for role in (Role.LIAISON, Role.RESEARCHER, Role.COORDINATOR):
        with pytest.raises(ImproperlyConfigured):
            access.person_data(role)


def test_a_view_cannot_declare_two_policies() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    with pytest.raises(ImproperlyConfigured):
        access.members()(access.public(view))


def _undeclared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret")


urlpatterns = [path("undeclared/", _undeclared), *harbour_urls.urlpatterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_view_without_policy_is_refused_to_everyone(cast: Cast) -> None:
    client = Client()
    assert client.get("/undeclared/").status_code == 403
    client.force_login(cast.alice)
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"secret" not in response.content


@pytest.mark.django_db
def test_liaison_and_researcher_see_no_person_record_even_one_filed_under_their_organisation(cast: Cast) -> None:
    # Even if a record were wrongly filed under a state organisation, the queryset shows nothing.
    Case.objects.create(organisation=cast.police, summary="misfiled", created_by=cast.bob)
    Case.objects.create(organisation=cast.university, summary="misfiled", created_by=cast.bob)
    person_models = [m for m in PersonRecord.__subclasses__() if not m._meta.abstract]
    assert person_models
    for model in person_models:
        assert not model.objects.visible_to(cast.lee).exists()
        assert not model.objects.visible_to(cast.rhea).exists()
        assert not model.objects.visible_to(cast.cora).exists()


@pytest.mark.django_db
def test_members_of_state_organisations_can_only_be_liaisons(cast: Cast) -> None:
    assert cast.police.roles_allowed() == [Role.LIAISON]
    cast.lee.role = Role.CASE_WORKER  # even if the role were changed in the database
    assert not cast.lee.may_see_person_data


@pytest.mark.django_db
def test_person_records_cannot_be_read_without_naming_the_member(cast: Cast) -> None:
    from harbour.core.models import UnscopedPersonRecordRead

    case_open(by=cast.bob, summary="x", consent=CASE_CONSENT)
    for read in (
        lambda: list(Case.objects.all()),
        lambda: Case.objects.get(reference="HB-AAAAAA"),
        lambda: Case.objects.filter(organisation=cast.harbour_house).count(),
    ):
        with pytest.raises(UnscopedPersonRecordRead):
            read()
    assert Case.objects.visible_to(cast.bob).count() == 1


def test_signed_in_member_returns_the_member_and_refuses_anyone_else(cast: Cast):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = cast.alice
    assert access.signed_in_member(request) == cast.alice
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        access.signed_in_member(request)


@pytest.mark.django_db
def test_a_permission_denied_past_the_policy_gets_harbours_own_page_with_the_quick_exit():
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    request = RequestFactory().get("/en/")
    request.user = AnonymousUser()
    handler: Any = get_resolver().resolve_error_handler(403)
    response = handler(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert 'id="quick-exit"' in page and "You do not have access to this page" in page
