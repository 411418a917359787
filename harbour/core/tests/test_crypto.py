"""Encrypted fields: only ciphertext at rest, bound to their key and field, and rotatable."""

from __future__ import annotations

import secrets
from io import StringIO

import pytest
from django.conf import LazySettings
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.cases.models import Case
from harbour.core import crypto
from harbour.core.models import DataKey, RecordKey
from harbour.network.models import Member
from harbour.testing import CAST_TOTP_SECRET, Cast, raw_column

SECRET_TEXT = "Passport kept by the recruiter at 14 Elm Street"


@pytest.mark.django_db
def test_the_database_holds_only_ciphertext_for_an_encrypted_field(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    stored = raw_column("cases_case", "summary", case.pk)
    assert stored.startswith("hb2:")  # under the case's own key
    assert "Passport" not in stored and "Elm" not in stored
    assert Case.system_objects.get(pk=case.pk).summary == SECRET_TEXT


@pytest.mark.django_db
def test_two_factor_secrets_are_encrypted_too(cast: Cast) -> None:
    stored = raw_column("network_member", "totp_secret", cast.bob.pk)
    assert CAST_TOTP_SECRET not in stored
    assert Member.objects.get(pk=cast.bob.pk).totp_secret == CAST_TOTP_SECRET


@pytest.mark.django_db
def test_each_organisation_has_its_own_data_key(cast: Cast) -> None:
    mine = case_open(by=cast.bob, summary="one", consent=CASE_CONSENT)
    theirs = case_open(by=cast.carol, summary="two", consent=CASE_CONSENT)
    mine_key = RecordKey.objects.get(pk=crypto.record_key_id_of(raw_column("cases_case", "summary", mine.pk)))
    theirs_key = RecordKey.objects.get(pk=crypto.record_key_id_of(raw_column("cases_case", "summary", theirs.pk)))
    assert mine_key.wrapped_by_id != theirs_key.wrapped_by_id
    assert DataKey.objects.get(pk=mine_key.wrapped_by_id).organisation_id == cast.harbour_house.pk


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_field_does_not_decrypt(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    token = raw_column("cases_case", "summary", case.pk)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="network.member.totp_secret", organisation_id=cast.harbour_house.pk)


@pytest.mark.django_db
def test_a_ciphertext_copied_into_another_organisations_row_does_not_decrypt(cast: Cast) -> None:
    mine = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    theirs = case_open(by=cast.carol, summary="their own", consent=CASE_CONSENT)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET summary = %s WHERE id = %s",
            [raw_column("cases_case", "summary", mine.pk), theirs.pk],
        )
    with pytest.raises(crypto.DecryptionError, match="another organisation"):
        _ = Case.system_objects.get(pk=theirs.pk).summary


@pytest.mark.django_db
def test_values_read_in_bulk_stay_sealed(cast: Cast) -> None:
    case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    (value,) = Case.system_objects.values_list("summary", flat=True)
    assert isinstance(value, crypto.Sealed)
    assert SECRET_TEXT not in f"{value} {value!r}"


@pytest.mark.django_db
def test_a_key_created_in_a_rolled_back_transaction_is_never_used(cast: Cast) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        case_open(by=cast.bob, summary="rolled back", consent=CASE_CONSENT)
        raise Abort
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    crypto.forget_unwrapped_keys()  # as after a restart
    assert Case.system_objects.get(pk=case.pk).summary == SECRET_TEXT


@pytest.mark.django_db
def test_a_wrong_master_key_reads_nothing(cast: Cast, settings: LazySettings) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    settings.HARBOUR_MASTER_KEY = secrets.token_bytes(32)
    crypto.forget_unwrapped_keys()
    with pytest.raises(crypto.DecryptionError, match="wrapped by master key"):
        _ = Case.system_objects.get(pk=case.pk).summary


@pytest.mark.django_db
def test_encrypted_fields_cannot_be_filtered(cast: Cast) -> None:
    with pytest.raises(FieldError):
        list(Case.system_objects.filter(summary="anything"))


@pytest.mark.django_db
def test_rotating_an_organisation_key_reencrypts_and_destroys_the_old_key(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    old_token = raw_column("network_member", "totp_secret", cast.bob.pk)
    old_key = crypto.key_id_of(old_token)
    case_token = raw_column("cases_case", "summary", case.pk)
    assert RecordKey.objects.get(pk=case.key_id).wrapped_by_id == old_key
    out = StringIO()
    call_command("rotate_keys", organisation=cast.harbour_house.pk, stdout=out)
    new_token = raw_column("network_member", "totp_secret", cast.bob.pk)
    assert crypto.key_id_of(new_token) != old_key
    # The case's values stay as they are; its own key is re-wrapped under the new organisation key.
    assert raw_column("cases_case", "summary", case.pk) == case_token
    assert RecordKey.objects.get(pk=case.key_id).wrapped_by_id == crypto.key_id_of(new_token)
    crypto.forget_unwrapped_keys()
    assert Case.system_objects.get(pk=case.pk).summary == SECRET_TEXT
    assert Member.objects.get(pk=cast.bob.pk).totp_secret == CAST_TOTP_SECRET
    assert bytes(DataKey.objects.get(pk=old_key).wrapped) == b""
    with pytest.raises(crypto.DecryptionError, match="destroyed"):
        crypto.decrypt(old_token, context="network.member.totp_secret", organisation_id=cast.harbour_house.pk)
    assert "rows re-encrypted" in out.getvalue()


@pytest.mark.django_db
def test_rotation_leaves_other_organisations_untouched(cast: Cast) -> None:
    theirs = case_open(by=cast.carol, summary="their own", consent=CASE_CONSENT)
    before = raw_column("cases_case", "summary", theirs.pk)
    case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    call_command("rotate_keys", organisation=cast.harbour_house.pk, stdout=StringIO())
    assert raw_column("cases_case", "summary", theirs.pk) == before


@pytest.mark.django_db
def test_rotating_the_master_key_leaves_no_moment_unreadable(cast: Cast, settings: LazySettings) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    old_master = settings.HARBOUR_MASTER_KEY
    new_master = secrets.token_bytes(32)
    # Step 1: the new key is current, the old one still accepted; everything reads.
    settings.HARBOUR_MASTER_KEY = new_master
    settings.HARBOUR_OLD_MASTER_KEYS = [old_master]
    crypto.forget_unwrapped_keys()
    assert Case.system_objects.get(pk=case.pk).summary == SECRET_TEXT
    new_case = case_open(by=cast.carol, summary="written during the rotation", consent=CASE_CONSENT)
    # Step 2: re-wrap; step 3: drop the old key. Everything still reads.
    call_command("rotate_keys", rewrap=True, stdout=StringIO())
    settings.HARBOUR_OLD_MASTER_KEYS = []
    crypto.forget_unwrapped_keys()
    assert Case.system_objects.get(pk=case.pk).summary == SECRET_TEXT
    assert Case.system_objects.get(pk=new_case.pk).summary == "written during the rotation"
    assert set(DataKey.objects.exclude(wrapped=b"").values_list("master_fingerprint", flat=True)) == {
        crypto.fingerprint(new_master)
    }


@pytest.mark.django_db
def test_rewrapping_without_the_old_master_key_stops_with_a_clear_message(cast: Cast, settings: LazySettings) -> None:
    case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    settings.HARBOUR_MASTER_KEY = secrets.token_bytes(32)
    with pytest.raises(CommandError, match="HARBOUR_OLD_MASTER_KEYS"):
        call_command("rotate_keys", rewrap=True, stdout=StringIO())


def test_a_malformed_old_master_key_stops_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from harbour.settings import old_master_keys

    monkeypatch.setenv("HARBOUR_OLD_MASTER_KEYS", "not base64!!")
    with pytest.raises(ImproperlyConfigured, match="base64"):
        old_master_keys("HARBOUR_OLD_MASTER_KEYS")
