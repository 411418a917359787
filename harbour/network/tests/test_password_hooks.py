"""The sign-in and password pages tell registered hooks the password, and nothing else does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from harbour.network import password_hooks
from harbour.testing import CAST_PASSWORD, Cast

NEW = "a completely new passphrase 77"


@pytest.fixture
def heard() -> Iterator[list[tuple[str, str, str | None]]]:
    calls: list[tuple[str, str, str | None]] = []

    def hook(*, request: Any, member: Any, password: str, previous_password: str | None) -> None:
        calls.append((member.email, password, previous_password))

    saved = dict(password_hooks._hooks)
    password_hooks._hooks.clear()
    password_hooks.register("test", hook)
    yield calls
    password_hooks._hooks.clear()
    password_hooks._hooks.update(saved)


@pytest.mark.django_db
def test_a_right_password_at_sign_in_reaches_the_hooks_and_a_wrong_one_does_not(
    cast: Cast, heard: list[tuple[str, str, str | None]]
) -> None:
    Client().post(reverse("network:sign_in"), {"email": "bob@cast.example", "password": "wrong password"})
    assert heard == []
    Client().post(reverse("network:sign_in"), {"email": "bob@cast.example", "password": CAST_PASSWORD})
    assert heard == [("bob@cast.example", CAST_PASSWORD, None)]


@pytest.mark.django_db
def test_a_password_change_gives_the_hooks_the_new_and_the_previous_password(
    cast: Cast, heard: list[tuple[str, str, str | None]]
) -> None:
    client = Client()
    client.force_login(cast.lee)
    client.post(
        reverse("network:password_change"),
        {"old_password": CAST_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert heard == [("lee@cast.example", NEW, CAST_PASSWORD)]


@pytest.mark.django_db
def test_a_reset_gives_the_hooks_the_new_password_with_no_previous_one(
    cast: Cast, heard: list[tuple[str, str, str | None]]
) -> None:
    uid = urlsafe_base64_encode(force_bytes(cast.lee.pk))
    url = reverse("network:password_reset_confirm", args=[uid, default_token_generator.make_token(cast.lee)])
    response = Client().post(url, {"password1": NEW, "password2": NEW})
    assert response.status_code == 302
    assert heard == [("lee@cast.example", NEW, None)]
