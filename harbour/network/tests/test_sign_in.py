"""Signing in: Argon2 passwords, mandatory two-factor, throttling, reset, idle timeout, own history."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.conf import LazySettings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour import settings as harbour_settings
from harbour.network.models import Member, SignInEvent, SignInThrottle
from harbour.testing import CAST_PASSWORD, CAST_TOTP_SECRET, Cast

SIGN_IN = reverse("network:sign_in")


def password_step(client: Client, email: str, password: str = CAST_PASSWORD, **extra: str) -> object:
    return client.post(SIGN_IN, {"email": email, "password": password, **extra})


def current_code(secret: str = CAST_TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def test_passwords_are_hashed_with_argon2() -> None:
    assert harbour_settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.mark.django_db
def test_argon2_is_what_a_new_password_becomes(cast: Cast, settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = harbour_settings.PASSWORD_HASHERS
    cast.bob.set_password("a brand new long password")
    assert cast.bob.password.startswith("argon2")


@pytest.mark.django_db
def test_a_case_worker_needs_the_second_factor_before_any_access(cast: Cast) -> None:
    client = Client()
    response = password_step(client, "bob@cast.example")
    assert response["Location"] == reverse("network:two_factor")  # type: ignore[index]
    assert client.get(reverse("network:dashboard")).status_code == 302  # not signed in yet
    response = client.post(reverse("network:two_factor"), {"code": current_code()})
    assert response["Location"] == reverse("network:dashboard")
    assert client.get(reverse("network:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_clear_message(cast: Cast) -> None:
    client = Client()
    password_step(client, "bob@cast.example")
    response = client.post(reverse("network:two_factor"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("network:dashboard")).status_code == 302
    assert SignInEvent.objects.filter(member=cast.bob, outcome=SignInEvent.Outcome.BAD_CODE).exists()


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(cast: Cast) -> None:
    code = current_code()
    first = Client()
    password_step(first, "bob@cast.example")
    first.post(reverse("network:two_factor"), {"code": code})
    second = Client()
    password_step(second, "bob@cast.example")
    response = second.post(reverse("network:two_factor"), {"code": code})
    assert response.status_code == 200
    assert second.get(reverse("network:dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_member_without_an_authenticator_must_enrol_one_first(cast: Cast) -> None:
    cast.hana.totp_secret = None
    cast.hana.save()
    client = Client()
    response = password_step(client, "hana@cast.example")
    assert response["Location"] == reverse("network:two_factor_setup")  # type: ignore[index]
    page = client.get(reverse("network:two_factor_setup"))
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page.content.decode())
    assert secret is not None and "<svg" in page.content.decode()
    response = client.post(reverse("network:two_factor_setup"), {"code": current_code(secret.group(1))})
    assert response["Location"] == reverse("network:dashboard")
    assert Member.objects.get(pk=cast.hana.pk).totp_secret == secret.group(1)


@pytest.mark.django_db
def test_a_liaison_without_two_factor_signs_in_with_a_password(cast: Cast) -> None:
    client = Client()
    response = password_step(client, "lee@cast.example")
    assert response["Location"] == reverse("network:dashboard")  # type: ignore[index]


@pytest.mark.django_db
def test_the_form_keeps_the_email_typed_after_a_wrong_password(cast: Cast) -> None:
    response = password_step(Client(), "bob@cast.example", password="wrong password")
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "do not match an active account" in body
    assert 'value="bob@cast.example"' in body


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_for_a_while(cast: Cast, settings: LazySettings) -> None:
    settings.HARBOUR_SIGN_IN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        password_step(client, "lee@cast.example", password="wrong password")
    response = password_step(client, "lee@cast.example")  # the right password, now refused
    assert "Too many failed attempts" in response.content.decode()  # type: ignore[attr-defined]
    assert client.get(reverse("network:dashboard")).status_code == 302
    # Another account is not affected.
    assert password_step(Client(), "rhea@cast.example")["Location"] == reverse("network:dashboard")  # type: ignore[index]


@pytest.mark.django_db
def test_a_lock_ends_when_its_window_is_over(cast: Cast, settings: LazySettings) -> None:
    settings.HARBOUR_SIGN_IN_MAX_FAILURES = 2
    client = Client()
    for _ in range(3):
        password_step(client, "lee@cast.example", password="wrong")
    assert "Too many failed attempts" in password_step(client, "lee@cast.example").content.decode()  # type: ignore[attr-defined]
    past = timezone.now() - timedelta(minutes=16)
    SignInThrottle.objects.update(locked_until=past + timedelta(minutes=15), window_started_at=past)
    assert password_step(client, "lee@cast.example")["Location"] == reverse("network:dashboard")  # type: ignore[index]
    assert SignInEvent.objects.filter(member=cast.lee, outcome=SignInEvent.Outcome.LOCKED).exists()


@pytest.mark.django_db
def test_a_pending_sign_in_cannot_replace_an_existing_authenticator(cast: Cast) -> None:
    """Someone with bob's password alone must not enrol their own authenticator instead of his."""
    client = Client()
    password_step(client, "bob@cast.example")
    response = client.get(reverse("network:two_factor_setup"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    attacker_secret = pyotp.random_base32()
    client.post(reverse("network:two_factor_setup"), {"code": current_code(attacker_secret)})
    assert Member.objects.get(pk=cast.bob.pk).totp_secret == CAST_TOTP_SECRET
    assert client.get(reverse("network:dashboard")).status_code == 302


@pytest.mark.django_db
def test_enrolment_never_overwrites_an_authenticator_set_meanwhile(cast: Cast) -> None:
    from harbour.network import actions

    secret = pyotp.random_base32()
    assert not actions.totp_enrol(member=cast.bob, secret=secret, code=current_code(secret))
    assert Member.objects.get(pk=cast.bob.pk).totp_secret == CAST_TOTP_SECRET


@pytest.mark.django_db
def test_a_pending_enrolment_cannot_skip_to_the_code_step(cast: Cast) -> None:
    cast.hana.totp_secret = None
    cast.hana.save()
    client = Client()
    password_step(client, "hana@cast.example")
    response = client.post(reverse("network:two_factor"), {"code": "123456"})
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.django_db
def test_a_member_sees_their_own_recent_sign_ins_and_no_one_elses(cast: Cast) -> None:
    password_step(Client(), "lee@cast.example", password="wrong")
    client = Client()
    password_step(client, "lee@cast.example")
    password_step(Client(), "rhea@cast.example")
    response = client.get(reverse("network:my_sign_ins"))
    outcomes = [event.outcome for event in response.context["events"]]
    assert outcomes == ["success", "bad_password"]


@pytest.mark.django_db
def test_sign_in_records_hold_no_address_or_device(cast: Cast) -> None:
    field_names = {field.name for field in SignInEvent._meta.get_fields()}
    assert field_names == {"id", "member", "at", "outcome"}


@pytest.mark.django_db
def test_password_reset_by_email_link(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("network:password_reset"), {"email": "lee@cast.example"})
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", str(mail.outbox[0].body))
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]
    new_password = "a completely new passphrase"
    response = client.post(path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert password_step(Client(), "lee@cast.example", password=new_password)["Location"] == reverse(  # type: ignore[index]
        "network:dashboard"
    )
    # The link works once.
    assert client.get(path).status_code == 400


@pytest.mark.django_db
def test_password_reset_says_the_same_for_unknown_emails(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post(reverse("network:password_reset"), {"email": "lee@cast.example"})
        unknown = Client().post(reverse("network:password_reset"), {"email": "nobody@cast.example"})
    assert known.content.replace(b"lee@cast.example", b"X") == unknown.content.replace(b"nobody@cast.example", b"X")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mismatched_new_password_keeps_the_person_on_the_form(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("network:password_reset"), {"email": "lee@cast.example"})
    match = re.search(r"https?://\S+", str(mail.outbox[0].body))
    assert match is not None
    path = "/" + match.group(0).split("/", 3)[3]
    response = client.post(path, {"password1": "one long passphrase", "password2": "another long phrase"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


@pytest.mark.django_db
def test_staff_are_signed_out_after_the_idle_timeout(cast: Cast, settings: LazySettings) -> None:
    settings.HARBOUR_IDLE_TIMEOUT_MINUTES = 15
    client = Client()
    client.force_login(cast.alice)
    assert client.get(reverse("network:dashboard")).status_code == 200
    session = client.session
    session["harbour_last_seen"] = int(time.time()) - 16 * 60
    session.save()
    response = client.get(reverse("network:dashboard"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert client.get(reverse("network:dashboard")).status_code == 302


@pytest.mark.django_db
def test_activity_within_the_timeout_keeps_the_session(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    client.get(reverse("network:dashboard"))
    session = client.session
    session["harbour_last_seen"] = int(time.time()) - 5 * 60
    session.save()
    assert client.get(reverse("network:dashboard")).status_code == 200


@pytest.mark.django_db
def test_the_session_row_is_rewritten_at_most_once_a_minute(cast: Cast, settings: LazySettings) -> None:
    from django.contrib.sessions.models import Session

    settings.HARBOUR_LAST_SEEN_RESOLUTION_SECONDS = 60
    client = Client()
    client.force_login(cast.alice)
    client.get(reverse("network:dashboard"))
    key = client.session.session_key

    def stored() -> str:
        return Session.objects.get(session_key=key).session_data

    first = stored()
    assert client.get(reverse("network:dashboard")).status_code == 200
    assert stored() == first, "a second page within the minute wrote the session again"
    session = client.session
    session["harbour_last_seen"] = int(time.time()) - 61
    session.save()
    before = stored()
    assert client.get(reverse("network:dashboard")).status_code == 200
    assert stored() != before, "a page a minute later did not refresh the idle timeout"
    assert abs(client.session["harbour_last_seen"] - int(time.time())) <= 1


@pytest.mark.django_db
def test_sign_in_refuses_to_redirect_to_another_site(cast: Cast) -> None:
    response = password_step(Client(), "lee@cast.example", next="https://evil.example/")
    assert response["Location"] == reverse("network:dashboard")  # type: ignore[index]


@pytest.mark.django_db
def test_a_session_ends_after_its_absolute_lifetime_even_when_active(cast: Cast, settings: LazySettings) -> None:
    client = Client()
    client.force_login(cast.alice)
    client.get(reverse("network:dashboard"))
    session = client.session
    session["harbour_signed_in_at"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 1
    session.save()
    response = client.get(reverse("network:dashboard"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.django_db
def test_members_of_a_suspended_organisation_keep_only_their_account_pages(cast: Cast) -> None:
    from harbour.network.models import Organisation

    cast.harbour_house.vetting_status = Organisation.Vetting.SUSPENDED
    cast.harbour_house.save()
    client = Client()
    client.force_login(cast.alice)
    assert client.get(reverse("network:dashboard")).status_code == 200
    assert client.get(reverse("network:working_groups")).status_code == 403
    assert client.get(reverse("network:organisation_staff")).status_code == 403


def _every_session_row() -> str:
    from django.contrib.sessions.models import Session

    return "\n".join(f"{row.session_key} {row.get_decoded()} {row.session_data}" for row in Session.objects.all())


@pytest.mark.django_db
def test_a_searched_place_in_next_never_reaches_the_session_row(cast: Cast) -> None:
    """An interrupted page keeps its path for after the sign-in, never its query (a caller's postal code)."""
    client = Client()
    response = client.get(reverse("network:partners") + "?city=M5V3L9")
    assert response.status_code == 302
    assert "M5V3L9" not in response["Location"]
    assert response["Location"] == f"{SIGN_IN}?next=%2Fen%2Fmembers%2Fpartners%2F"
    # A query typed into `next` by hand is dropped too, before it is kept for the code step.
    step = password_step(client, "bob@cast.example", next="/en/members/partners/?city=M5V3L9")
    assert step["Location"] == reverse("network:two_factor")  # type: ignore[index]
    assert "M5V3L9" not in _every_session_row()
    response = client.post(reverse("network:two_factor"), {"code": current_code()})
    assert response["Location"] == "/en/members/partners/"


@pytest.mark.django_db
def test_the_idle_timeout_keeps_the_path_but_not_the_query(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    client.get(reverse("network:dashboard"))
    session = client.session
    session["harbour_last_seen"] = int(time.time()) - 60 * 60
    session.save()
    response = client.get(reverse("network:partners") + "?city=M5V3L9")
    assert response["Location"] == f"{SIGN_IN}?next=%2Fen%2Fmembers%2Fpartners%2F&notice=idle"
    assert "minutes without activity" in client.get(response["Location"]).content.decode()
    assert "M5V3L9" not in _every_session_row()


@pytest.mark.django_db
def test_a_pending_sign_ins_session_row_is_gone_when_its_window_ends(cast: Cast) -> None:
    from django.contrib.sessions.models import Session

    client = Client()
    password_step(client, "bob@cast.example")
    (pending,) = Session.objects.all()
    assert pending.expire_date <= timezone.now() + timedelta(seconds=300)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # the window has passed
    password_step(Client(), "alice@cast.example")  # the next sign-in by anyone
    assert not Session.objects.filter(session_key=pending.session_key).exists()
    assert client.post(reverse("network:two_factor"), {"code": current_code()})["Location"].startswith(SIGN_IN)
