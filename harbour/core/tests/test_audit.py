"""The audit log: every read and change of a person record, append-only, without the values."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.cases.models import Consent
from harbour.cases.wording import shown_fields
from harbour.core.audit import audit_purge_window_set, audit_write
from harbour.core.models import AuditEntry
from harbour.network.models import Member
from harbour.testing import Cast, signed_in

SECRET_TEXT = "Works at the Maple Road greenhouse, afraid of the supervisor"


@pytest.mark.django_db
def test_reading_a_case_writes_who_what_and_when(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    signed_in(cast.hana).get(reverse("cases:case_detail", args=[case.reference]))
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).get()
    assert entry.actor_id == cast.hana.pk
    assert entry.actor_role == "hotline_operator"
    assert entry.organisation_id == cast.harbour_house.pk
    assert (entry.record_type, entry.record_id) == ("cases.case", str(case.pk))


@pytest.mark.django_db
def test_creating_and_changing_a_case_are_audited(cast: Cast) -> None:
    client = signed_in(cast.bob)
    consent = {"stage": "confirm", "agreed": "on", "means": "in_person", "categories": "case"}
    consent |= shown_fields("open_case", "en")
    response = client.post(reverse("cases:case_new"), {"summary": SECRET_TEXT, **consent})
    assert response.status_code == 302
    reference = response["Location"].rstrip("/").split("/")[-1]
    client.post(reverse("cases:case_edit", args=[reference]), {"summary": SECRET_TEXT + "!"})
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    # The case, then the person's consent to it, then the worker's reading and change.
    assert actions == ["create", "create", "view", "update"]


@pytest.mark.django_db
def test_listing_cases_is_audited_once(cast: Cast) -> None:
    case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    signed_in(cast.hana).get(reverse("cases:case_list"))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LIST)
    assert (entry.actor_id, entry.organisation_id, entry.record_type) == (
        cast.hana.pk,
        cast.harbour_house.pk,
        "cases.case",
    )


@pytest.mark.django_db
def test_an_outsider_who_is_refused_leaves_no_read_entry(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    signed_in(cast.carol).get(reverse("cases:case_detail", args=[case.reference]))
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


@pytest.mark.django_db
def test_audit_entries_never_hold_the_sensitive_values(cast: Cast) -> None:
    case = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    signed_in(cast.bob).get(reverse("cases:case_detail", args=[case.reference]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_auditentry")
        rows = cursor.fetchall()
    assert rows
    dumped = repr(rows)
    assert "Maple" not in dumped and "greenhouse" not in dumped


@pytest.mark.django_db
def test_the_audit_log_refuses_updates_and_deletes(cast: Cast) -> None:
    case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    entry = AuditEntry.objects.filter(record_type="cases.case").get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="view")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "create"


@pytest.mark.django_db
def test_a_purge_window_allows_deletes_but_never_updates(cast: Cast) -> None:
    case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    audit_purge_window_set(allowed=True)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(action="view")
    AuditEntry.objects.all().delete()
    audit_purge_window_set(allowed=False)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_organisation_admin_reads_only_their_organisations_entries(cast: Cast) -> None:
    mine = case_open(by=cast.bob, summary=SECRET_TEXT, consent=CASE_CONSENT)
    case_open(by=cast.carol, summary="another organisation's case", consent=CASE_CONSENT)
    response = signed_in(cast.alice).get(reverse("network:organisation_audit"))
    assert response.status_code == 200
    entries = list(response.context["page"])
    consent = Consent.system_objects.get(case=mine)
    assert sorted((e.record_type, e.record_id) for e in entries) == [
        ("cases.case", str(mine.pk)),
        ("cases.consent", str(consent.pk)),
    ]
    assert b"Bob" in response.content
    assert SECRET_TEXT.encode() not in response.content


@pytest.mark.django_db
def test_an_entry_with_no_signed_in_member_names_the_system_actor(cast: Cast) -> None:
    entry = audit_write(
        actor=None,
        system_actor="retention: expired consents",
        action=AuditEntry.Action.DELETE,
        organisation_id=cast.harbour_house.pk,
        record_type="cases.consent",
        record_id="12",
    )
    entry.refresh_from_db()
    assert entry.actor_id is None
    assert entry.actor_role == ""
    assert entry.system_actor == "retention: expired consents"
    assert "retention: expired consents delete cases.consent 12" in str(entry)


@pytest.mark.django_db
def test_an_entry_names_a_member_or_a_system_actor_never_both_nor_neither(cast: Cast) -> None:
    def write(actor: Member | None, system_actor: str) -> AuditEntry:
        return audit_write(
            actor=actor,
            system_actor=system_actor,
            action="delete",
            organisation_id=cast.harbour_house.pk,
            record_type="x",
            record_id="1",
        )

    with pytest.raises(ValueError, match="either a member or a system actor"):
        write(None, "")
    with pytest.raises(ValueError, match="either a member or a system actor"):
        write(cast.bob, "retention")
    with pytest.raises(ValueError, match="at most 64"):
        write(None, "x" * 65)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_audit_page_shows_the_system_actor(cast: Cast) -> None:
    audit_write(
        actor=None,
        system_actor="retention: expired consents",
        action=AuditEntry.Action.DELETE,
        organisation_id=cast.harbour_house.pk,
        record_type="cases.consent",
        record_id="12",
    )
    response = signed_in(cast.alice).get(reverse("network:organisation_audit"))
    assert "retention: expired consents" in response.content.decode()


@pytest.mark.django_db
def test_the_append_only_triggers_survive_the_system_actor_column(cast: Cast) -> None:
    entry = audit_write(
        actor=None,
        system_actor="retention",
        action="delete",
        organisation_id=cast.harbour_house.pk,
        record_type="x",
        record_id="1",
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(system_actor="someone else")
