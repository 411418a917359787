"""Encrypting bytes, and short codes sealed for one purpose: what apps build on instead of their own crypto."""

from __future__ import annotations

import pytest

from harbour.core import crypto
from harbour.testing import Cast

# Not valid UTF-8: the bytes path must carry any bytes, not only text.
SCAN = b"\x89PNG\r\n\x1a\n\xff\xfe passport scan"


@pytest.mark.django_db
def test_bytes_come_back_as_they_went_in(cast: Cast) -> None:
    token = crypto.encrypt_bytes(SCAN, organisation_id=cast.bob.organisation_id, context="cases.document")
    assert token.startswith("hb1:")
    assert b"passport" not in token.encode()
    assert crypto.decrypt_bytes(token, context="cases.document", organisation_id=cast.bob.organisation_id) == SCAN


@pytest.mark.django_db
def test_bytes_cannot_be_read_under_another_field_or_organisation(cast: Cast) -> None:
    token = crypto.encrypt_bytes(SCAN, organisation_id=cast.bob.organisation_id, context="cases.document")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(token, context="cases.photo", organisation_id=cast.bob.organisation_id)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(token, context="cases.document", organisation_id=cast.carol.organisation_id)


@pytest.mark.django_db
def test_text_and_bytes_tokens_are_one_format(cast: Cast) -> None:
    organisation_id = cast.bob.organisation_id
    token = crypto.encrypt("Émilie", organisation_id=organisation_id, context="cases.summary")
    assert crypto.decrypt_bytes(token, context="cases.summary", organisation_id=organisation_id) == "Émilie".encode()


def test_a_code_opens_with_its_purpose_and_binding_only() -> None:
    code = crypto.seal_code(b"yyn-d", purpose="test-purpose", bound_to="org:7")
    assert crypto.open_code(code, purpose="test-purpose", bound_to="org:7", max_age_seconds=60) == b"yyn-d"
    with pytest.raises(crypto.CodeError):
        crypto.open_code(code, purpose="test-purpose", bound_to="org:8", max_age_seconds=60)
    with pytest.raises(crypto.CodeError):
        crypto.open_code(code, purpose="other-purpose", bound_to="org:7", max_age_seconds=60)


def test_a_code_is_read_as_a_person_types_it() -> None:
    code = crypto.seal_code(b"abc", purpose="test-purpose", bound_to="x")
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-")
    assert all(len(group) <= 5 for group in code.split("-"))
    typed = " " + code.lower().replace("-", " ") + " "
    assert crypto.open_code(typed, purpose="test-purpose", bound_to="x", max_age_seconds=60) == b"abc"


def test_a_code_expires() -> None:
    code = crypto.seal_code(b"abc", purpose="test-purpose", bound_to="x", now=1_000_000)
    assert crypto.open_code(code, purpose="test-purpose", bound_to="x", max_age_seconds=60, now=1_000_060) == b"abc"
    with pytest.raises(crypto.CodeError, match="expired"):
        crypto.open_code(code, purpose="test-purpose", bound_to="x", max_age_seconds=60, now=1_000_061)


@pytest.mark.parametrize("typed", ["", "hello!", "AAAA-AAAA", "0189"])
def test_a_mistyped_code_is_refused_not_crashed_on(typed: str) -> None:
    with pytest.raises(crypto.CodeError):
        crypto.open_code(typed, purpose="test-purpose", bound_to="x", max_age_seconds=60)


def test_a_purpose_longer_than_the_key_derivation_allows_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 16"):
        crypto.seal_code(b"abc", purpose="a-purpose-far-too-long", bound_to="x")
