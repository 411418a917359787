"""Each case has its own key, wrapped by its organisation's; erasing a case destroys it (crypto-erasure)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.models import Case, CaseRetention, EmergencyAccess, Note, Task
from harbour.core import crypto, retention
from harbour.core.models import AuditEntry, RecordKey
from harbour.testing import Cast, raw_column, signed_in

pytestmark = pytest.mark.django_db

CONTACT = "+1 555 0142, ask for Rosa at the back door"
NOTE = "Her passport is held by the farm manager"


def _case(cast: Cast) -> Case:
    case = actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven("open_case", ("case", "contact", "safety_plan")),
        summary="Needs a safe bed tonight",
        details=actions.CaseDetails(alias="Rosa", contact=CONTACT, safety_plan="Meet only at the library"),
    )
    actions.note_add(by=cast.bob, case=case, text=NOTE)
    actions.task_add(
        by=cast.bob, case=case, title="Call the clinic for Rosa", due_on=timezone.localdate(), owner=cast.bob
    )
    return case


def test_each_case_has_its_own_key_wrapped_by_its_organisations_key(cast: Cast) -> None:
    first, second, theirs = (
        _case(cast),
        _case(cast),
        actions.open_case(by=cast.carol, consent=actions.CASE_CONSENT, summary="elsewhere"),
    )
    assert len({first.key_id, second.key_id, theirs.key_id}) == 3
    key = RecordKey.objects.get(pk=first.key_id)
    assert key.organisation_id == cast.harbour_house.pk
    assert key.wrapped_by.organisation_id == cast.harbour_house.pk
    assert RecordKey.objects.get(pk=theirs.key_id).wrapped_by.organisation_id == cast.prairie_clinic.pk
    for table, column, pk in (
        ("cases_case", "contact", first.pk),
        ("cases_case", "alias", first.pk),
        ("cases_case", "summary", first.pk),
        ("cases_case", "safety_plan", first.pk),
        ("cases_note", "text", Note.system_objects.get(case=first).pk),
        ("cases_task", "title", Task.system_objects.get(case=first).pk),
    ):
        assert crypto.record_key_id_of(raw_column(table, column, pk)) == first.key_id, (table, column)


def test_a_value_copied_into_another_case_of_the_same_organisation_does_not_decrypt(cast: Cast) -> None:
    first, second = _case(cast), _case(cast)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET contact = %s WHERE id = %s",
            [raw_column("cases_case", "contact", first.pk), second.pk],
        )
    with pytest.raises(crypto.DecryptionError, match="another record"):
        _ = Case.system_objects.get(pk=second.pk).contact


def test_an_erased_case_cannot_be_read_even_with_the_master_key(cast: Cast) -> None:
    case = _case(cast)
    note = Note.system_objects.get(case=case)
    tokens = {
        "cases.case.contact": raw_column("cases_case", "contact", case.pk),
        "cases.note.text": raw_column("cases_note", "text", note.pk),
    }
    wrapped = bytes(RecordKey.objects.get(pk=case.key_id).wrapped)

    # What an attacker holding the master key and a copy of the database could do before erasure:
    def read_with_master_key(token: str, context: str) -> str:
        crypto.forget_unwrapped_keys()
        key = RecordKey.objects.select_related("wrapped_by").get(pk=crypto.record_key_id_of(token))
        return crypto.decrypt_under(token, key=key, context=context, organisation_id=cast.harbour_house.pk)

    assert read_with_master_key(tokens["cases.case.contact"], "cases.case.contact") == CONTACT
    assert read_with_master_key(tokens["cases.note.text"], "cases.note.text") == NOTE

    actions.case_erase(by=cast.bob, case=case)

    assert not Case.system_objects.filter(pk=case.pk).exists()
    assert not Note.system_objects.filter(pk=note.pk).exists()
    destroyed = RecordKey.objects.get(pk=case.key_id)
    assert bytes(destroyed.wrapped) == b"" and destroyed.destroyed_at is not None
    for context, token in tokens.items():
        with pytest.raises(crypto.DecryptionError, match="destroyed"):
            read_with_master_key(token, context)
    # Even the key's old wrapped bytes are gone from the row, so there is nothing left to unwrap.
    assert wrapped not in bytes(destroyed.wrapped)


def test_erasure_leaves_one_audit_entry_with_no_personal_data(cast: Cast) -> None:
    case = _case(cast)
    reference, case_id = case.reference, case.pk
    actions.case_erase(by=cast.alice, case=case)
    entry = AuditEntry.objects.get(action="delete", record_type="cases.case")
    assert entry.record_id == str(case_id) and entry.actor_id == cast.alice.pk
    as_text = " ".join(str(value) for value in AuditEntry.objects.values_list().filter(pk=entry.pk).get())
    for personal in (reference, "Rosa", CONTACT, NOTE):
        assert personal not in as_text


def test_only_the_cases_own_writers_erase_it(cast: Cast) -> None:
    case = _case(cast)
    for outsider in (cast.carol, cast.omar, cast.hana, cast.lee, cast.rhea):
        with pytest.raises(PermissionError):
            actions.case_erase(by=outsider, case=case)
    assert Case.system_objects.filter(pk=case.pk).exists()


def test_the_erase_page_asks_for_the_reference_and_keeps_the_case_on_a_mistype(cast: Cast) -> None:
    case = _case(cast)
    client = signed_in(cast.bob)
    url = reverse("cases:case_erase", args=[case.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reference": "HB-WRONG1"})
    assert response.status_code == 400 and "HB-WRONG1" in response.content.decode()
    assert Case.system_objects.filter(pk=case.pk).exists()
    response = client.post(url, {"reference": case.reference.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_list")
    assert not Case.system_objects.filter(pk=case.pk).exists()
    assert RecordKey.objects.get(pk=case.key_id).destroyed_at is not None


def test_retention_erases_closed_cases_the_same_way(cast: Cast) -> None:
    CaseRetention.objects.create(organisation=cast.harbour_house, closed_case_days=30)
    case = _case(cast)
    actions.case_close(by=cast.bob, case=case, reason="goals_met")
    outcome = retention.run(now=timezone.now() + timedelta(days=31))
    assert any(o.count == 1 for o in outcome if o.name.startswith("cases:"))
    assert not Case.system_objects.filter(pk=case.pk).exists()
    assert bytes(RecordKey.objects.get(pk=case.key_id).wrapped) == b""
    assert AuditEntry.objects.get(action="delete", record_type="cases.case").system_actor == "retention: closed cases"


def test_erasing_a_case_ends_its_emergency_access_and_removes_the_reason(cast: Cast) -> None:
    case = _case(cast)
    actions.emergency_access_request(
        by=cast.carol, reference=case.reference, reason="The person is at our clinic and needs her safety plan"
    )
    actions.case_erase(by=cast.bob, case=case)
    assert not EmergencyAccess.system_objects.exists()


def test_a_new_record_key_cannot_be_used_once_destroyed(cast: Cast) -> None:
    key = crypto.record_key_new(cast.harbour_house.pk)
    token = crypto.encrypt_under("x", key=key, context="test")
    crypto.record_key_destroy(key.pk)
    fresh: Any = RecordKey.objects.get(pk=key.pk)
    with pytest.raises(crypto.DecryptionError, match="destroyed"):
        crypto.decrypt_under(token, key=fresh, context="test", organisation_id=cast.harbour_house.pk)
    with pytest.raises(crypto.DecryptionError, match="destroyed"):
        crypto.encrypt_under("y", key=fresh, context="test")


def test_a_process_keeps_a_bounded_number_of_case_keys_unwrapped(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "RECORD_KEYS_CACHED", 2)
    cases = [_case(cast) for _ in range(3)]
    crypto.forget_unwrapped_keys()
    for case in cases:
        assert Case.system_objects.get(pk=case.pk).contact == CONTACT
    assert list(crypto._record_keys) == [cases[1].key_id, cases[2].key_id]
    # An evicted key is unwrapped again when needed.
    assert Case.system_objects.get(pk=cases[0].pk).contact == CONTACT


def test_the_case_page_leads_its_writers_to_erasure(cast: Cast) -> None:
    case = _case(cast)
    erase = reverse("cases:case_erase", args=[case.reference])
    for member, shown in ((cast.bob, True), (cast.alice, True), (cast.hana, False)):
        client = signed_in(member)
        page = client.get(reverse("cases:case_detail", args=[case.reference])).content.decode()
        assert (f'href="{erase}"' in page) is shown, member
