"""Break-glass: a reason, an hour, the case's owner and administrators told, every read audited, then it ends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.models import Case, EmergencyAccess
from harbour.core.models import AuditEntry
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

REASON = "She is at our clinic tonight, afraid to go back, and needs her safety plan"


def _case(cast: Cast) -> Case:
    return actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven("open_case", ("case", "contact", "safety_plan")),
        summary="Needs a safe bed tonight",
        details=actions.CaseDetails(alias="Rosa", contact="+1 555 0142", safety_plan="Meet only at the library"),
    )


def test_a_member_of_another_organisation_reads_the_case_with_a_reason(cast: Cast) -> None:
    case = _case(cast)
    client = signed_in(cast.carol)
    response = client.post(reverse("cases:emergency_request"), {"reference": case.reference, "reason": REASON})
    grant = EmergencyAccess.system_objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:emergency_case", args=[grant.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Meet only at the library" in page and "+1 555 0142" in page
    assert grant.reason == REASON and grant.organisation_id == cast.harbour_house.pk
    assert grant.expires_at - grant.granted_at == actions.EMERGENCY_ACCESS_DURATION


def test_the_grant_and_every_read_are_in_the_case_organisations_audit_log_and_the_requesters(cast: Cast) -> None:
    case = _case(cast)
    grant = actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    client = signed_in(cast.carol)
    client.get(reverse("cases:emergency_case", args=[grant.pk]))
    client.get(reverse("cases:emergency_case", args=[grant.pk]))
    theirs = AuditEntry.objects.filter(organisation_id=cast.harbour_house.pk, actor=cast.carol)
    assert theirs.filter(action="create", record_type="cases.emergencyaccess", record_id=str(grant.pk)).count() == 1
    assert theirs.filter(action="view", record_type="cases.case", record_id=str(case.pk)).count() == 2
    assert AuditEntry.objects.filter(
        organisation_id=cast.prairie_clinic.pk, actor=cast.carol, record_type="cases.emergencyaccess"
    ).exists()
    # The administrator reads it in the audit log, with the requester's name.
    log = signed_in(cast.alice).get(reverse("network:organisation_audit")).content.decode()
    assert "cases.emergencyaccess" in log and "Carol" in log


def test_the_case_owner_and_the_administrator_are_told_nothing_about_the_person(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case(cast)
    with django_capture_on_commit_callbacks(execute=True):
        actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([cast.alice.email, cast.bob.email])
    for message in mail.outbox:
        text = f"{message.subject} {message.body}"
        for personal in (case.reference, "Rosa", "555", "clinic tonight", "Carol", "Prairie"):
            assert personal not in text


def test_it_expires_after_the_hour(cast: Cast) -> None:
    case = _case(cast)
    grant = actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    client = signed_in(cast.carol)
    url = reverse("cases:emergency_case", args=[grant.pk])
    assert client.get(url).status_code == 200
    later = timezone.now() + actions.EMERGENCY_ACCESS_DURATION + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(url).status_code == 404
        with pytest.raises(PermissionError):
            actions.emergency_case_read(by=cast.carol, grant=grant)


def test_the_holder_or_the_case_administrator_ends_it_early(cast: Cast) -> None:
    case = _case(cast)
    first = actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    carol = signed_in(cast.carol)
    assert carol.post(reverse("cases:emergency_end", args=[first.pk])).status_code == 302
    assert carol.get(reverse("cases:emergency_case", args=[first.pk])).status_code == 404
    second = actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    alice = signed_in(cast.alice)
    assert REASON in alice.get(reverse("cases:emergency_granted")).content.decode()
    assert alice.post(reverse("cases:emergency_end", args=[second.pk])).status_code == 302
    assert carol.get(reverse("cases:emergency_case", args=[second.pk])).status_code == 404
    # A case worker at the case's organisation, or anyone else, cannot end someone's access.
    third = actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    for other in (cast.bob, cast.omar, cast.hana):
        assert signed_in(other).post(reverse("cases:emergency_end", args=[third.pk])).status_code == 404
    assert carol.get(reverse("cases:emergency_case", args=[third.pk])).status_code == 200


def test_a_reason_is_required(cast: Cast) -> None:
    case = _case(cast)
    response = signed_in(cast.carol).post(
        reverse("cases:emergency_request"), {"reference": case.reference, "reason": "x"}
    )
    assert response.status_code == 400 and "at least" in response.content.decode()
    assert not EmergencyAccess.system_objects.exists()


def test_no_more_than_a_few_a_day_and_misses_count(cast: Cast) -> None:
    case = _case(cast)
    with pytest.raises(actions.EmergencyRefused, match="No case"):
        actions.emergency_access_request(by=cast.carol, reference="HB-NOPE22", reason=REASON)
    for _ in range(actions.EMERGENCY_REQUESTS_PER_DAY - 1):
        actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    with pytest.raises(actions.EmergencyRefused, match="times today"):
        actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    # Another member still can.
    actions.emergency_access_request(by=cast.omar, reference=case.reference, reason=REASON)


def test_liaisons_researchers_coordinators_and_unvetted_members_never_get_it(cast: Cast) -> None:
    case = _case(cast)
    for outsider in (cast.lee, cast.rhea, cast.cora, cast.pat):
        with pytest.raises(PermissionError):
            actions.emergency_access_request(by=outsider, reference=case.reference, reason=REASON)
        response = signed_in(outsider).post(
            reverse("cases:emergency_request"), {"reference": case.reference, "reason": REASON}
        )
        assert response.status_code == 403
    assert not EmergencyAccess.system_objects.exists()


def test_ones_own_organisations_case_is_opened_the_ordinary_way(cast: Cast) -> None:
    case = _case(cast)
    with pytest.raises(actions.EmergencyRefused, match="your organisation's own"):
        actions.emergency_access_request(by=cast.hana, reference=case.reference, reason=REASON)


def test_a_grant_opens_only_for_its_holder_and_changes_nothing(cast: Cast) -> None:
    case = _case(cast)
    grant = actions.emergency_access_request(by=cast.carol, reference=case.reference, reason=REASON)
    assert signed_in(cast.omar).get(reverse("cases:emergency_case", args=[grant.pk])).status_code == 404
    carol = signed_in(cast.carol)
    # The ordinary case pages stay closed to her: only the read-only emergency page opens.
    assert carol.get(reverse("cases:case_detail", args=[case.reference])).status_code == 404
    assert carol.get(reverse("cases:case_edit", args=[case.reference])).status_code == 404
    assert Case.objects.visible_to(cast.carol).count() == 0
