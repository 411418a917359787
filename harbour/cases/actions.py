"""Writes to cases, each with its audit entry; every share goes through `consent.check`.

Other apps call these (reports: `open_case_from_report`; the hotline: `warm_referral`;
screening hands its answers over through the cases page, never by importing this).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.cases import consent as consent_rules
from harbour.cases.mail import emergency_access_used, referral_changed, referral_waiting
from harbour.cases.models import (
    Case,
    Category,
    Consent,
    EmergencyAccess,
    Milestone,
    Need,
    Note,
    Referral,
    Task,
    join_codes,
)
from harbour.cases.signals import consent_withdrawn
from harbour.cases.wording import wording_in
from harbour.core import crypto
from harbour.core.audit import audit_record, audit_write
from harbour.core.models import AuditEntry
from harbour.core.roles import ADMINISTRATORS, CASE_WRITERS, PERSON_DATA_ROLES
from harbour.network.models import Member, Organisation

# A Temporary Resident Permit's renewal shows on the home page this long before it expires.
TRP_RENEWAL_LEAD = timedelta(days=90)


class ConsentMissing(ValueError):
    """A case is opened, and screening answers kept, only with the person's consent."""


WITHDRAWN_AT_THE_SENDER = "consent withdrawn at the referring organisation"


class ReferralRefused(ValueError):
    """A referral cannot go, or change state, this way; `message` says why in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ConsentGiven:
    """What the person agreed to, as a worker (or operator) recorded it with them: plain values only."""

    purpose: str
    categories: tuple[str, ...]
    language: str = "en"
    means: str = Consent.Means.IN_PERSON
    recipient_id: int | None = None
    expires_at: datetime | None = None
    given_at: datetime | None = None


# The seed's name, kept so old callers still read.
ConsentTerms = ConsentGiven
# The narrowest consent to open a case (a case record, nothing else), given in person in English:
# what the demo data and tests use. Pages always record the consent the person gave.
CASE_CONSENT = ConsentGiven(purpose="open_case", categories=("case",))


@dataclass(frozen=True)
class CaseDetails:
    """The case's own fields, as plain values (every one optional)."""

    alias: str = ""
    contact: str = ""
    birth_year: int | None = None
    age_group: str = "unknown"
    gender: str = "unknown"
    languages: tuple[str, ...] = ()
    country_of_origin: str = ""
    province: str = ""
    exploitation: tuple[str, ...] = ()
    sector: str = ""
    needs: tuple[str, ...] = ()
    safety_plan: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _require_writer(by: Member) -> None:
    if not by.may_see_person_data or by.role not in CASE_WRITERS:
        raise PermissionError("this member cannot open or change cases")


def _apply_details(case: Case, details: CaseDetails) -> None:
    case.alias = details.alias
    case.contact = details.contact
    case.birth_year = details.birth_year
    case.age_group = details.age_group
    case.gender = details.gender
    case.languages = join_codes(details.languages)
    case.country_of_origin = details.country_of_origin.upper()
    case.province = details.province
    case.exploitation = join_codes(details.exploitation)
    case.sector = details.sector
    case.needs = join_codes(details.needs)
    case.safety_plan = details.safety_plan


def details_of(case: Case) -> CaseDetails:
    """The case's own fields as `CaseDetails` (decrypted with the case's key)."""
    return CaseDetails(
        alias=case.alias,
        contact=case.contact,
        birth_year=case.birth_year,
        age_group=case.age_group,
        gender=case.gender,
        languages=tuple(case.language_codes),
        country_of_origin=case.country_of_origin,
        province=case.province,
        exploitation=tuple(case.exploitation_codes),
        sector=case.sector,
        needs=tuple(case.need_codes),
        safety_plan=case.safety_plan,
    )


def _as_kept(details: CaseDetails) -> dict[str, Any]:
    """The fields as the case stores them (lists as sets, the country in capitals), to compare two versions."""
    kept = {name: getattr(details, name) for name in DETAIL_FIELDS}
    for name in ("languages", "exploitation", "needs"):
        kept[name] = frozenset(kept[name])
    kept["country_of_origin"] = details.country_of_origin.upper()
    return kept


DETAIL_FIELDS = tuple(name for name in CaseDetails.__dataclass_fields__ if name != "extra")


def _detail_fields_of(category: str) -> frozenset[str]:
    """The `CaseDetails` fields a data category covers (the summary and the screening are kept apart)."""
    return frozenset(consent_rules.CATEGORY_FIELDS[category]).intersection(DETAIL_FIELDS)


def categories_held(details: CaseDetails) -> frozenset[str]:
    """The data categories `details` holds something of (a field that is not empty)."""
    held, empty = _as_kept(details), _as_kept(CaseDetails())
    return frozenset(
        category
        for category in consent_rules.CATEGORY_FIELDS
        if any(held[name] != empty[name] for name in _detail_fields_of(category))
    )


def emptied(details: CaseDetails, categories: Iterable[str]) -> CaseDetails:
    """`details` with every field of `categories` emptied: what removing them from a case writes (no consent needed)."""
    empty = CaseDetails()
    names = frozenset().union(*(_detail_fields_of(category) for category in categories))
    return replace(details, **{name: getattr(empty, name) for name in names})


def _refuse_unconsented(new: CaseDetails, old: CaseDetails, categories: Iterable[str]) -> None:
    """`ConsentMissing` when `new` writes a field, differently from `old`, that no category in `categories` covers.

    Emptying a field needs no consent: what the person no longer agrees to keep can always be removed.
    """
    before, after, empty = _as_kept(old), _as_kept(new), _as_kept(CaseDetails())
    written = {name for name in DETAIL_FIELDS if after[name] != before[name] and after[name] != empty[name]}
    uncovered = written - consent_rules.fields_covered(categories)
    if uncovered:
        raise ConsentMissing(f"the person's consent does not cover keeping {sorted(uncovered)}")


def _create_case(
    *, by: Member, summary: str, details: CaseDetails, screening: str | None, person_key: str = ""
) -> Case:
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = Case(organisation_id=by.organisation_id, summary=summary, screening=screening, created_by=by)
                if person_key:
                    case.person_key = person_key
                _apply_details(case, details)
                case.save(force_insert=True)
                audit_record(actor=by, action=AuditEntry.Action.CREATE, record=case)
        except IntegrityError:
            # Two cases drew the same random reference; draw again.
            if attempt == 4:
                raise
        else:
            return case
    raise AssertionError("unreachable")


def open_case(
    *,
    by: Member,
    consent: ConsentGiven,
    summary: str,
    details: CaseDetails | None = None,
    screening: str | None = None,
    _writer_roles: frozenset[str] = CASE_WRITERS,
) -> Case:
    """Opens a case with the person's consent to it (purpose open_case); no consent, no case."""
    if not by.may_see_person_data or by.role not in _writer_roles:
        raise PermissionError("this member cannot open cases")
    if consent.purpose != Consent.Purpose.OPEN_CASE or Category.CASE not in consent.categories:
        raise ConsentMissing("a case is opened only with the person's consent to open it")
    if screening is not None and Category.SCREENING not in consent.categories:
        raise ConsentMissing("screening answers are kept only with the person's consent")
    _refuse_unconsented(details or CaseDetails(), CaseDetails(), consent.categories)
    with transaction.atomic():
        case = _create_case(by=by, summary=summary, details=details or CaseDetails(), screening=screening)
        record_consent(by=by, case=case, given=consent)
    return case


def open_case_from_screening(
    *, by: Member, screening: str | None, consent: ConsentGiven, summary: str = "", details: CaseDetails | None = None
) -> Case:
    """A case from a worker's screening. `screening` is screening's plain JSON record, or None to keep no answers."""
    return open_case(by=by, consent=consent, summary=summary or "-", details=details, screening=screening)


def open_case_from_report(
    *, by: Member, summary: str, consent: ConsentGiven, details: CaseDetails | None = None
) -> Case:
    """A case from a safe report, with consent the person gave in the report's conversation.

    The report's content stays in the report; only `summary` (what the worker writes) is kept here.
    """
    if consent.means != Consent.Means.REPORT_THREAD:
        raise ConsentMissing("a case from a report records the consent given in the report's conversation")
    return open_case(by=by, consent=consent, summary=summary, details=details)


# The seed's name for opening a case, kept for its callers (summary, screening, consent).
def case_open(*, by: Member, summary: str, screening: str | None = None, consent: ConsentGiven | None = None) -> Case:
    if consent is None:
        raise ConsentMissing("a case is opened only with the person's consent to open it")
    return open_case(by=by, consent=consent, summary=summary, screening=screening)


def case_update(*, by: Member, case: Case, summary: str | None = None, details: CaseDetails | None = None) -> Case:
    _require_writer(by)
    with transaction.atomic():
        # The case keeps only what a consent in force to keep it covers; what it held may always be emptied.
        kept = consent_rules.kept_with_consent(case)
        if summary is not None and summary != case.summary:
            if "summary" not in consent_rules.fields_covered(kept):
                raise ConsentMissing("the person's consent to keep the case has ended")
            case.summary = summary
        if details is not None:
            _refuse_unconsented(details, details_of(case), kept)
            _apply_details(case, details)
        case.save()
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=case)
    return case


def case_close(*, by: Member, case: Case, reason: str) -> Case:
    _require_writer(by)
    if reason not in Case.Closure.values:
        raise ValueError(f"unknown closure reason {reason!r}")
    with transaction.atomic():
        case.closed_at = timezone.now()
        case.closure_reason = reason
        case.save(update_fields=["closed_at", "closure_reason", "updated_at"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=case)
    return case


def record_consent(*, by: Member, case: Case, given: ConsentGiven) -> Consent:
    """Records a consent the person gave, with the exact wording shown to them and its audit entry."""
    if not by.may_see_person_data or by.organisation_id != case.organisation_id:
        raise PermissionError("consent is recorded by the case's own organisation")
    unknown = set(given.categories) - set(Category.values)
    if unknown or not given.categories:
        raise ValueError(f"consent covers some of {sorted(Category.values)}, not {sorted(unknown)}")
    if given.purpose not in Consent.Purpose.values:
        raise ValueError(f"unknown consent purpose {given.purpose!r}")
    if given.means not in Consent.Means.values:
        raise ValueError(f"unknown means {given.means!r}")
    if (given.purpose == Consent.Purpose.REFER) != (given.recipient_id is not None):
        raise ValueError("a referral consent, and only one, names the receiving organisation")
    now = timezone.now()
    if given.expires_at is not None and given.expires_at <= now:
        raise ValueError("a consent's expiry is in the future")
    wording, language = wording_in(given.purpose, given.language)
    with transaction.atomic():
        record: Consent = Consent.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            purpose=given.purpose,
            recipient_id=given.recipient_id,
            scope=join_codes(given.categories),
            means=given.means,
            language=language,
            wording_version=wording.version,
            wording=wording.text,
            recorded_by=by,
            given_at=min(given.given_at or now, now),
            expires_at=given.expires_at,
        )
        audit_record(actor=by, action=AuditEntry.Action.CREATE, record=record)
    return record


# The seed's name.
def consent_record(*, by: Member, case: Case, terms: ConsentGiven) -> Consent:
    return record_consent(by=by, case=case, given=terms)


def withdraw_consent(*, by: Member, consent: Consent) -> Consent:
    """The person changed their mind: nothing more is shared under this consent, from now on.

    Referrals not yet accepted lose their sealed copy; organisations that already
    received data see the withdrawal on their referral. Listeners of
    `signals.consent_withdrawn` (statistics) are told after the transaction commits.
    """
    if not by.may_see_person_data or by.organisation_id != consent.organisation_id:
        raise PermissionError("consent is withdrawn at the case's own organisation")
    if consent.withdrawn_at is not None:
        return consent
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_recorded_by = by
        consent.save(update_fields=["withdrawn_at", "withdrawn_recorded_by"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=consent)
        Referral.system_objects.filter(consent=consent, state=Referral.State.SENT).update(shared=None)
        # What a recipient already took in stays in its case, but no longer under the person's consent:
        # the consent its case came under is withdrawn with this one, so its own page says so too.
        for derived in Consent.system_objects.filter(came_through__consent=consent, withdrawn_at__isnull=True):
            derived.withdrawn_at = consent.withdrawn_at
            derived.save(update_fields=["withdrawn_at"])
            audit_record(
                actor=None, system_actor=WITHDRAWN_AT_THE_SENDER, action=AuditEntry.Action.UPDATE, record=derived
            )
        told = Referral.system_objects.filter(
            consent=consent, state__in=(Referral.State.SENT, Referral.State.ACCEPTED, Referral.State.COMPLETED)
        )
        if consent.recipient_id is not None and told.exists():
            # The recipient sees the withdrawal on the referral and on its linked case; the email says only
            # that something changed.
            referral_changed(consent.recipient_id)
        purpose, case_id, person_key = consent.purpose, consent.case_id, consent.case.person_key
        transaction.on_commit(
            lambda: consent_withdrawn.send(
                sender=Consent, consent_id=consent.pk, purpose=purpose, case_id=case_id, person_key=person_key
            )
        )
    return consent


def note_add(*, by: Member, case: Case, text: str) -> Note:
    _require_writer(by)
    with transaction.atomic():
        note: Note = Note.objects.create(organisation_id=case.organisation_id, case=case, text=text, written_by=by)
        audit_record(actor=by, action=AuditEntry.Action.CREATE, record=note)
    return note


def task_add(*, by: Member, case: Case, title: str, due_on: date, owner: Member) -> Task:
    _require_writer(by)
    if owner.organisation_id != case.organisation_id or not owner.may_see_person_data:
        raise ValueError("a task's owner works at the case's organisation")
    with transaction.atomic():
        task: Task = Task.objects.create(
            organisation_id=case.organisation_id, case=case, title=title, due_on=due_on, owner=owner
        )
        audit_record(actor=by, action=AuditEntry.Action.CREATE, record=task)
    return task


def task_done(*, by: Member, task: Task) -> Task:
    _require_writer(by)
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=task)
    return task


def milestone_add(*, by: Member, case: Case, kind: str, happened_on: date, expires_on: date | None = None) -> Milestone:
    """One step of the protection path; a permit with an expiry gets its renewal reminder."""
    _require_writer(by)
    if kind not in Milestone.Kind.values:
        raise ValueError(f"unknown protection step {kind!r}")
    if expires_on is not None and expires_on < happened_on:
        raise ValueError("a permit expires after it is issued")
    remind_on = expires_on - TRP_RENEWAL_LEAD if expires_on is not None else None
    with transaction.atomic():
        milestone: Milestone = Milestone.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=kind,
            happened_on=happened_on,
            expires_on=expires_on,
            remind_on=remind_on,
            recorded_by=by,
        )
        audit_record(actor=by, action=AuditEntry.Action.CREATE, record=milestone)
    return milestone


# --- referrals --------------------------------------------------------------------------


# The fields kept as comma-separated codes in a case, sent as lists.
_CODE_LISTS = {"languages": "language_codes", "exploitation": "exploitation_codes", "needs": "need_codes"}


def case_values(case: Case, categories: Iterable[str]) -> dict[str, Any]:
    """Only the fields the named categories cover (`consent.CATEGORY_FIELDS`): the rest never leaves the case."""
    wanted = set(categories)
    values: dict[str, Any] = {"categories": sorted(wanted)}
    for category in sorted(wanted):
        for name in consent_rules.CATEGORY_FIELDS[category]:
            values[name] = getattr(case, _CODE_LISTS.get(name, name))
    if not case.screening:
        values.pop("screening", None)
    if Category.PROTECTION in wanted:
        values["protection"] = [
            {
                "kind": m.kind,
                "on": m.happened_on.isoformat(),
                "expires": m.expires_on.isoformat() if m.expires_on else None,
            }
            for m in Milestone.system_objects.filter(case=case)
        ]
    return values


def _may_receive(organisation: Organisation) -> bool:
    return organisation.is_vetted and not organisation.is_state


def refer_case(*, by: Member, case: Case, recipient: Organisation, need: str, categories: Iterable[str]) -> Referral:
    """Sends a case to another organisation for one need: only the categories asked for, only with consent.

    Raises `consent.ConsentRefused` without valid consent, `ReferralRefused` for a
    recipient that cannot receive (not vetted, left the network, state, itself).
    """
    if not by.may_see_person_data or by.organisation_id != case.organisation_id:
        raise PermissionError("a case is referred by its own organisation")
    wanted = tuple(sorted(set(categories)))
    if need not in Need.values:
        raise ValueError(f"unknown need {need!r}")
    if recipient.pk == case.organisation_id:
        raise ReferralRefused(_("A case is referred to another organisation, not to its own."))
    if not _may_receive(recipient):
        raise ReferralRefused(_("This organisation is not, or no longer, a vetted member of the network."))
    with transaction.atomic():
        allowing = consent_rules.check(case, Consent.Purpose.REFER, recipient, wanted)
        referral = Referral(
            organisation_id=case.organisation_id,
            case=case,
            recipient=recipient,
            need=need,
            consent=allowing,
            categories=join_codes(wanted),
            shared=json.dumps(case_values(case, wanted), sort_keys=True),
            sent_by=by,
        )
        referral.save(force_insert=True)
        audit_record(actor=by, action=AuditEntry.Action.SHARE, record=referral)
    _notify(recipient.pk)
    return referral


def warm_referral(
    *,
    by: Member,
    recipient: Organisation,
    need: str,
    summary: str,
    language: str,
    means: str = Consent.Means.PHONE,
    categories: tuple[str, ...] = (Category.CASE, Category.NEEDS),
    expires_at: datetime | None = None,
) -> Referral:
    """A hotline operator's warm referral: a minimal case at the operator's organisation, then the referral.

    The operator records both consents with the caller (open a case; refer to `recipient`
    these categories). The case holds `summary` only, no name and no number.
    """
    if not by.may_see_person_data or by.role not in PERSON_DATA_ROLES:
        raise PermissionError("this member cannot make referrals")
    with transaction.atomic():
        case = open_case(
            by=by,
            consent=ConsentGiven(
                purpose=Consent.Purpose.OPEN_CASE,
                categories=tuple({Category.CASE, *categories}),
                language=language,
                means=means,
            ),
            summary=summary,
            # The need is kept on the case only when the person agreed to share their needs.
            details=CaseDetails(needs=(need,) if need in Need.values and Category.NEEDS in categories else ()),
            _writer_roles=PERSON_DATA_ROLES,
        )
        record_consent(
            by=by,
            case=case,
            given=ConsentGiven(
                purpose=Consent.Purpose.REFER,
                categories=categories,
                language=language,
                means=means,
                recipient_id=recipient.pk,
                expires_at=expires_at,
            ),
        )
        return refer_case(by=by, case=case, recipient=recipient, need=need, categories=categories)


def _notify(organisation_id: int) -> None:
    """Emails the recipient's administrators that something is waiting: nothing about the person."""
    # email_send itself waits for the transaction to commit.
    referral_waiting(organisation_id)


def _require_recipient(by: Member, referral: Referral) -> None:
    if not by.may_see_person_data or by.organisation_id != referral.recipient_id or by.role not in CASE_WRITERS:
        raise PermissionError("only the receiving organisation answers a referral")


def referral_accept(*, by: Member, referral: Referral) -> Case:
    """The recipient takes the referral on: its own linked case, under its own keys, with what travelled."""
    _require_recipient(by, referral)
    with transaction.atomic():
        # Read again, locked, so a withdrawal or another answer a moment ago is seen.
        current = Referral.system_objects.select_for_update().filter(pk=referral.pk)
        referral.state = current.values_list("state", flat=True).get()
        if referral.state != Referral.State.SENT:
            raise ReferralRefused(_("This referral is no longer waiting for an answer, so it cannot be accepted."))
        # Checked again at the moment the data enters the recipient's case.
        allowing = consent_rules.check(
            referral.case, Consent.Purpose.REFER, referral.recipient_id, referral.category_codes
        )
        if not current.filter(shared__isnull=False).exists():
            # The consent it was sent under was withdrawn: what it carried is gone, whatever else is in force.
            raise ReferralRefused(
                _("The person withdrew the consent this referral was sent under, so it cannot be accepted.")
            )
        values: dict[str, Any] = json.loads(referral.shared or "{}")
        details = CaseDetails(
            alias=values.get("alias", ""),
            contact=values.get("contact", ""),
            birth_year=values.get("birth_year"),
            age_group=values.get("age_group", "unknown"),
            gender=values.get("gender", "unknown"),
            languages=tuple(values.get("languages", ())),
            country_of_origin=values.get("country_of_origin", ""),
            province=values.get("province", ""),
            exploitation=tuple(values.get("exploitation", ())),
            sector=values.get("sector", ""),
            needs=tuple(values.get("needs", ())),
            safety_plan=values.get("safety_plan", ""),
        )
        # What travelled is what the referral's categories cover, and the received case's consent names them.
        _refuse_unconsented(details, CaseDetails(), referral.category_codes)
        received = _create_case(
            by=by,
            summary=values.get("summary", "") or "-",
            details=details,
            screening=values.get("screening"),
            person_key=referral.case.person_key,
        )
        # No case without a consent record: the recipient's case holds the consent it came under, as the
        # person gave it (same data, words, language, version, day, means and end), recorded by who accepted.
        derived: Consent = Consent.objects.create(
            organisation_id=received.organisation_id,
            case=received,
            purpose=Consent.Purpose.OPEN_CASE,
            # What travelled, not everything the consent would have let travel.
            scope=referral.categories,
            means=allowing.means,
            language=allowing.language,
            wording_version=allowing.wording_version,
            wording=allowing.wording,
            recorded_by=by,
            given_at=allowing.given_at,
            expires_at=allowing.expires_at,
            came_through=referral,
        )
        audit_record(actor=by, action=AuditEntry.Action.CREATE, record=derived)
        referral.state = Referral.State.ACCEPTED
        referral.answered_at = timezone.now()
        referral.received_case = received
        # The consent that allowed it now, so a later withdrawal of that one reaches the recipient.
        referral.consent = allowing
        referral.save(update_fields=["state", "answered_at", "received_case", "consent"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=referral)
    return received


def referral_decline(*, by: Member, referral: Referral, reason: str) -> Referral:
    _require_recipient(by, referral)
    if referral.state != Referral.State.SENT:
        raise ReferralRefused(_("This referral is no longer waiting for an answer, so it cannot be declined."))
    if not reason.strip():
        raise ValueError("a declined referral says why")
    with transaction.atomic():
        referral.state = Referral.State.DECLINED
        referral.answered_at = timezone.now()
        referral.decline_reason = reason.strip()
        referral.shared = None
        referral.save(update_fields=["state", "answered_at", "decline_reason", "shared"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=referral)
    return referral


def referral_complete(*, by: Member, referral: Referral) -> Referral:
    _require_recipient(by, referral)
    if referral.state != Referral.State.ACCEPTED:
        raise ReferralRefused(_("Only an accepted referral can be marked complete."))
    with transaction.atomic():
        referral.state = Referral.State.COMPLETED
        referral.completed_at = timezone.now()
        referral.save(update_fields=["state", "completed_at"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=referral)
    return referral


def referral_withdraw(*, by: Member, referral: Referral) -> Referral:
    if not by.may_see_person_data or by.organisation_id != referral.organisation_id:
        raise PermissionError("only the sending organisation withdraws a referral")
    if referral.state not in (Referral.State.SENT, Referral.State.ACCEPTED):
        raise ReferralRefused(_("This referral is no longer open, so it cannot be withdrawn."))
    with transaction.atomic():
        referral.state = Referral.State.WITHDRAWN
        referral.withdrawn_at = timezone.now()
        referral.shared = None
        referral.save(update_fields=["state", "withdrawn_at", "shared"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=referral)
    return referral


# --- erasure: the person's right to have their case deleted -------------------------------


@contextmanager
def _zeroing_freed_space() -> Iterator[None]:
    """On SQLite, the space the case's rows and its key's bytes leave is overwritten with zeros.

    Otherwise the bytes would stay in the database file's free pages until reused. (PostgreSQL
    keeps old row versions until vacuum: docs/privacy.md, "Known limits".)
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = " + ("ON" if before else "OFF"))


def _erase(case: Case, *, actor: Member | None, system_actor: str = "") -> None:
    """Deletes the case with everything in it, then destroys its key: crypto-erasure.

    Any copy of its ciphertext left behind (a database page not yet overwritten, a dump,
    a replica) can no longer be read, even with the master key. The audit entry names
    only the case's id, never its reference, alias or anything the person said.
    """
    with transaction.atomic(), _zeroing_freed_space():
        key_id = case.key_id
        audit_write(
            actor=actor,
            system_actor=system_actor,
            action=AuditEntry.Action.DELETE,
            organisation_id=case.organisation_id,
            record_type=Case._meta.label_lower,
            record_id=str(case.pk),
        )
        case.delete()
        crypto.record_key_destroy(key_id)
        if connection.vendor == "sqlite":
            # Write the zeroed pages back into the database file and empty the write-ahead log,
            # which still holds the pages as they were (best effort: readers may hold it open).
            transaction.on_commit(_checkpoint)


def _checkpoint() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def case_erase(*, by: Member, case: Case) -> None:
    """Erases a case at the person's request, by its own organisation's case workers or administrators."""
    _require_writer(by)
    if by.organisation_id != case.organisation_id:
        raise PermissionError("a case is erased by its own organisation")
    _erase(case, actor=by)


def case_erase_expired(*, case: Case, system_actor: str) -> None:
    """Erases a case whose retention period is over (the daily retention job)."""
    _erase(case, actor=None, system_actor=system_actor)


# --- emergency ("break-glass") access ------------------------------------------------------

# How long emergency access lasts, and how often one member may ask for it.
EMERGENCY_ACCESS_DURATION = timedelta(hours=1)
EMERGENCY_REQUESTS_PER_DAY = 3
EMERGENCY_REASON_MIN_LENGTH = 20
_NO_SUCH_CASE = "no-case"


class EmergencyRefused(ValueError):
    """Emergency access is not given this way; `message` says why in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _emergency_attempts_today(by: Member, now: datetime) -> int:
    since = now - timedelta(days=1)
    granted = EmergencyAccess.system_objects.filter(member=by, granted_at__gte=since).count()
    missed = AuditEntry.objects.filter(
        actor=by, record_type=EmergencyAccess._meta.label_lower, record_id=_NO_SUCH_CASE, at__gte=since
    ).count()
    return granted + missed


def emergency_access_request(*, by: Member, reference: str, reason: str) -> EmergencyAccess:
    """Break-glass: a member of another organisation reads one case now, for a reason, for an hour.

    Given at once (an emergency cannot wait for an answer), but never silently: the
    case's owner and its organisation's administrators are emailed that it happened,
    the grant and every read go into that organisation's audit log, and the requester's
    own organisation's log shows it too. Liaisons and researchers never get it.
    """
    if not by.may_see_person_data or by.role not in PERSON_DATA_ROLES:
        raise PermissionError("this member cannot ask for emergency access")
    reason = reason.strip()
    if len(reason) < EMERGENCY_REASON_MIN_LENGTH:
        raise EmergencyRefused(
            _("Say why in at least %(count)d characters: the case's organisation will read it.")
            % {"count": EMERGENCY_REASON_MIN_LENGTH}
        )
    now = timezone.now()
    if _emergency_attempts_today(by, now) >= EMERGENCY_REQUESTS_PER_DAY:
        raise EmergencyRefused(
            _("You have asked for emergency access %(count)d times today. Ask the case's organisation directly.")
            % {"count": EMERGENCY_REQUESTS_PER_DAY}
        )
    case = Case.system_objects.select_related("key").filter(reference=reference.strip().upper()).first()
    if case is None:
        # Looked for, not found: written in the requester's own log, and counted against the daily limit.
        audit_write(
            actor=by,
            action=AuditEntry.Action.VIEW,
            organisation_id=by.organisation_id,
            record_type=EmergencyAccess._meta.label_lower,
            record_id=_NO_SUCH_CASE,
        )
        raise EmergencyRefused(_("No case has this reference. Check it with the person."))
    if case.organisation_id == by.organisation_id:
        raise EmergencyRefused(_("This case is your organisation's own: open it from your cases."))
    with transaction.atomic():
        grant: EmergencyAccess = EmergencyAccess.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            key=case.key,
            member=by,
            member_organisation_id=by.organisation_id,
            reason=reason,
            granted_at=now,
            expires_at=now + EMERGENCY_ACCESS_DURATION,
        )
        audit_record(actor=by, action=AuditEntry.Action.CREATE, record=grant)
        audit_write(
            actor=by,
            action=AuditEntry.Action.CREATE,
            organisation_id=by.organisation_id,
            record_type=EmergencyAccess._meta.label_lower,
            record_id=str(grant.pk),
        )
        emergency_access_used(organisation_id=case.organisation_id, owner_id=case.created_by_id)
    return grant


def emergency_case_read(*, by: Member, grant: EmergencyAccess) -> Case:
    """The case an emergency grant opens, while it is in force; each read goes into the case's audit log."""
    if grant.member_id != by.pk or not by.may_see_person_data or not grant.in_force_at(timezone.now()):
        raise PermissionError("this emergency access is not, or no longer, yours")
    case = grant.case
    audit_record(actor=by, action=AuditEntry.Action.VIEW, record=case)
    return case


def emergency_access_end(*, by: Member, grant: EmergencyAccess) -> EmergencyAccess:
    """Ends emergency access early: the member who holds it, or the case organisation's administrator."""
    holder = grant.member_id == by.pk
    administrator = by.organisation_id == grant.organisation_id and by.role in ADMINISTRATORS
    if not by.may_see_person_data or not (holder or administrator):
        raise PermissionError("only its holder or the case's administrators end emergency access")
    now = timezone.now()
    if not grant.in_force_at(now):
        return grant
    with transaction.atomic():
        grant.ended_at = now
        grant.save(update_fields=["ended_at"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=grant)
    return grant
