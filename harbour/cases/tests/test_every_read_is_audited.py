"""Every read is audited: each page of the cases app that shows a person's case writes its audit entry.

The list of pages comes from the app's URL conf (`harbour/cases/urls.py`): every URL name must be
below, as a page that reads a case (and so must audit), a page that shows no one's data, or a form
that only takes a POST (its writes are audited by its action). A new page fails
`test_every_cases_url_is_classified` until someone decides which it is, and a page that reads a case
fails the walk as soon as it stops writing its entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, reverse

from harbour.cases import urls as cases_urls
from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.cases.models import Case, EmergencyAccess, Referral
from harbour.cases.tests.access_table import samples
from harbour.core import audit
from harbour.core.models import AuditEntry
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

SUMMARY = "Anna, from the greenhouse in Leamington; her passport is with the recruiter"


@dataclass(frozen=True)
class Sample:
    case: Case
    kwargs: dict[str, dict[str, Any]]

    def argument(self, name: str, key: str) -> str:
        return str(self.kwargs[f"cases:{name}"][key])


@dataclass(frozen=True)
class Read:
    """Who opens the page in the cast, and the entry its GET must write."""

    who: str
    action: str
    record_type: str
    record_id: Callable[[Sample], str]


def _the_case(sample: Sample) -> str:
    return str(sample.case.pk)


def _case_read(action: str = AuditEntry.Action.VIEW, who: str = "bob") -> Read:
    return Read(who, action, "cases.case", _the_case)


READS_A_CASE: dict[str, Read] = {
    "case_list": Read("bob", AuditEntry.Action.LIST, "cases.case", lambda sample: "*"),
    "case_detail": _case_read(),
    "case_edit": _case_read(),
    "consent_new": _case_read(),
    "referral_new": _case_read(),
    "case_export": _case_read(AuditEntry.Action.EXPORT),
    "case_print": _case_read(AuditEntry.Action.EXPORT),
    "note_new": _case_read(),
    "task_new": _case_read(),
    "milestone_new": _case_read(),
    "case_close": _case_read(),
    "case_erase": _case_read(),
    "referrals_received": Read("bob", AuditEntry.Action.LIST, "cases.referral", lambda sample: "received"),
    # The sample referral goes to Prairie Legal Clinic: carol reads what travelled with it.
    "referral_received": Read(
        "carol",
        AuditEntry.Action.VIEW,
        Referral._meta.label_lower,
        lambda sample: sample.argument("referral_received", "referral_id"),
    ),
    # Break-glass: carol's grant opens Harbour House's case; the read goes to the case's own log.
    "emergency_case": _case_read(who="carol"),
    # Who used emergency access on the organisation's cases, and why: its administrator's list.
    "emergency_granted": Read("alice", AuditEntry.Action.LIST, EmergencyAccess._meta.label_lower, lambda sample: "*"),
}

# Pages that show nothing about a person: why each is here, and who opens it.
SHOWS_NO_PERSON_DATA: dict[str, tuple[str, str]] = {
    "case_new": ("bob", "an empty form and the consent wording; the case does not exist yet"),
    "emergency_request": ("bob", "a form, and the member's own grants by case reference only"),
    "retention_settings": ("alice", "the organisation's retention period and a count of closed cases"),
}

# Forms that answer only a POST: a GET is refused (405) before anything is read.
POST_ONLY = frozenset({"case_from_screening", "consent_withdraw", "referral_withdraw", "task_done", "emergency_end"})


def _url_names() -> list[str]:
    return [pattern.name for pattern in cases_urls.urlpatterns if isinstance(pattern, URLPattern) and pattern.name]


def _sample(cast: Cast) -> Sample:
    case = case_open(by=cast.bob, summary=SUMMARY, consent=CASE_CONSENT)
    kwargs = samples(cast)
    # The access table's samples take the organisation's first case: it must be this one.
    assert kwargs["cases:case_detail"] == {"reference": case.reference}
    return Sample(case, kwargs)


def _url(sample: Sample, name: str) -> str:
    return reverse(f"cases:{name}", kwargs=sample.kwargs.get(f"cases:{name}", {}))


def _entries(cast: Cast, sample: Sample, read: Read) -> int:
    return AuditEntry.objects.filter(
        actor=getattr(cast, read.who),
        action=read.action,
        record_type=read.record_type,
        record_id=read.record_id(sample),
    ).count()


def _audited_read(cast: Cast, sample: Sample, name: str) -> bool:
    """GETs the page as its reader; whether exactly one new entry of the expected kind was written."""
    read = READS_A_CASE[name]
    before = _entries(cast, sample, read)
    response = signed_in(getattr(cast, read.who)).get(_url(sample, name))
    assert response.status_code == 200, (name, response.status_code)
    return _entries(cast, sample, read) == before + 1


def test_every_cases_url_is_classified() -> None:
    names = _url_names()
    groups = [set(READS_A_CASE), set(SHOWS_NO_PERSON_DATA), set(POST_ONLY)]
    assert sum(len(group) for group in groups) == len(set().union(*groups)), "a URL is in two groups"
    unclassified = sorted(set(names) - set().union(*groups))
    assert unclassified == [], f"say whether these read a case (and audit) or show no person data: {unclassified}"
    assert sorted(set().union(*groups) - set(names)) == [], "a classified URL is gone from cases/urls.py"


@pytest.mark.parametrize("name", sorted(READS_A_CASE))
def test_each_page_that_reads_a_case_writes_its_audit_entry(cast: Cast, name: str) -> None:
    sample = _sample(cast)
    assert _audited_read(cast, sample, name), f"cases:{name} showed a case without writing its audit entry"
    if READS_A_CASE[name].record_type == "cases.case" and READS_A_CASE[name].record_id(sample) != "*":
        entry = AuditEntry.objects.filter(record_type="cases.case", record_id=str(sample.case.pk)).latest("id")
        assert entry.organisation_id == sample.case.organisation_id


def test_the_walk_fails_when_a_page_stops_auditing(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = _sample(cast)
    assert _audited_read(cast, sample, "case_detail")
    monkeypatch.setattr(audit, "audit_record", lambda **kwargs: None)
    assert not _audited_read(cast, sample, "case_detail")


@pytest.mark.parametrize("name", sorted(SHOWS_NO_PERSON_DATA))
def test_the_pages_that_show_no_person_data_show_none(cast: Cast, name: str) -> None:
    sample = _sample(cast)
    who, _why = SHOWS_NO_PERSON_DATA[name]
    response = signed_in(getattr(cast, who)).get(_url(sample, name))
    assert response.status_code == 200
    assert "Leamington" not in response.content.decode()


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_the_post_only_forms_refuse_a_get_before_reading_anything(cast: Cast, name: str) -> None:
    sample = _sample(cast)
    before = AuditEntry.objects.count()
    response = signed_in(cast.bob).get(_url(sample, name))
    assert response.status_code == 405
    assert AuditEntry.objects.count() == before
