"""Case management: pseudonymous cases, consent as a record of its own, and referrals between organisations.

Every record here is about a person, so each inherits `PersonRecord` and is read
through `visible_to(member)`; every free-text field that could identify someone
is an `EncryptedTextField`. Writes go through `harbour.cases.actions`, and every
share of a case's data through `harbour.cases.consent.check`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.core import crypto
from harbour.core.fields import EncryptedTextField
from harbour.core.models import PersonRecord, PersonRecordManager, PersonRecordQuerySet
from harbour.core.reference import Province

# No 0/O or 1/I: references are read aloud on the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "HB-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def new_person_key() -> str:
    """A random key shared by one person's cases across referrals; it says nothing about them."""
    return secrets.token_hex(16)


def split_codes(value: str) -> list[str]:
    return [part for part in value.split(",") if part]


def join_codes(codes: Iterable[str]) -> str:
    return ",".join(sorted(set(codes)))


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary or another gender")
    UNKNOWN = "unknown", _("Not said")


class AgeGroup(models.TextChoices):
    CHILD = "0-17", _("Under 18")
    YOUNG = "18-24", _("18 to 24")
    ADULT = "25-39", _("25 to 39")
    MIDDLE = "40-59", _("40 to 59")
    OLDER = "60+", _("60 or older")
    UNKNOWN = "unknown", _("Not said")


class Exploitation(models.TextChoices):
    LABOUR = "labour", _("Labour exploitation")
    SEXUAL = "sexual", _("Sexual exploitation")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    OTHER = "other", _("Another form of exploitation")


class Sector(models.TextChoices):
    """Where the person was exploited, in the statistics' sector codes (CTDC's typeOfLabour values)."""

    AGRICULTURE = "agriculture", _("Agriculture")
    AQUAFARMING = "aquafarming", _("Fishing and aquafarming")
    BEGGING = "begging", _("Begging")
    CONSTRUCTION = "construction", _("Construction")
    DOMESTIC_WORK = "domestic_work", _("Domestic work")
    HOSPITALITY = "hospitality", _("Hospitality")
    ILLICIT = "illicit_activities", _("Illicit activities")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MINING = "mining_drilling", _("Mining or drilling")
    PEDDLING = "peddling", _("Peddling")
    TRANSPORTATION = "transportation", _("Transportation")
    OTHER = "other", _("Other sector")


class Need(models.TextChoices):
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal help")
    IMMIGRATION = "immigration", _("Immigration")
    INCOME = "income", _("Income")
    INTERPRETATION = "interpretation", _("Interpretation")
    SAFETY = "safety", _("Safety")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    COUNSELLING = "counselling", _("Counselling")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    FAMILY = "family", _("Family contact or return")


class Category(models.TextChoices):
    """The kinds of data a consent can cover; a share names the ones it carries."""

    CASE = "case", _("A case record with a reference, not a name")
    SCREENING = "screening", _("The screening answers and their reading")
    CONTACT = "contact", _("Alias and contact details")
    PROFILE = "profile", _("Age, gender, languages, origin and province")
    EXPLOITATION = "exploitation", _("Forms of exploitation and sector")
    NEEDS = "needs", _("Needs and the situation")
    SAFETY_PLAN = "safety_plan", _("The safety plan")
    PROTECTION = "protection", _("Permits, health coverage and claims (the protection path)")


class CaseQuerySet(PersonRecordQuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)


class CaseManager(PersonRecordManager["Case"]):
    def visible_to(self, member: Any) -> CaseQuerySet:
        """With the case's key in the same query: reading any encrypted field needs it."""
        cases = CaseQuerySet(self.model, using=self._db).visible_to(member)
        return cases.select_related("key")  # type: ignore[return-value]


class Case(PersonRecord):
    """A person helped by one organisation, known by a reference and an alias, never a legal name.

    Each case has its own data key (`key`), wrapped by the organisation's: everything
    identifying in it and in its notes, tasks and emergency-access reasons is sealed
    under that key, so erasing the case (`actions.case_erase`) destroys it all at once.
    """

    class Closure(models.TextChoices):
        GOALS_MET = "goals_met", _("The person's goals were met")
        PERSON_ENDED = "person_ended", _("The person ended the work")
        REFERRED = "referred", _("Continued at another organisation")
        LOST_CONTACT = "lost_contact", _("Contact was lost")
        OTHER = "other", _("Another reason")

    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_reference)
    # The case's own data key; created with the case (`save`), destroyed when it is erased.
    key = models.ForeignKey("core.RecordKey", on_delete=models.PROTECT, related_name="+", editable=False)
    alias = EncryptedTextField(_("alias"), blank=True, default="", record_key="key")
    contact = EncryptedTextField(_("contact details"), blank=True, default="", record_key="key")
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, default=Gender.UNKNOWN)
    # Comma-separated codes (reference.LANGUAGES, Exploitation, Need): not identifying, filterable.
    languages = models.CharField(_("languages"), max_length=200, blank=True, default="")
    country_of_origin = models.CharField(_("country of origin"), max_length=2, blank=True, default="")
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices, blank=True)
    exploitation = models.CharField(_("forms of exploitation"), max_length=100, blank=True, default="")
    sector = models.CharField(_("sector"), max_length=64, blank=True, default="")
    needs = models.CharField(_("needs"), max_length=300, blank=True, default="")
    summary = EncryptedTextField(_("situation and needs"), record_key="key")
    safety_plan = EncryptedTextField(_("safety plan"), blank=True, default="", record_key="key")
    # The screening answers and catalogue version (JSON), kept only with the person's consent.
    screening = EncryptedTextField(_("screening answers"), null=True, blank=True, record_key="key")
    # Shared by one person's linked cases at every organisation, so statistics count them once.
    person_key = models.CharField(max_length=32, default=new_person_key, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closing"), max_length=32, choices=Closure.choices, blank=True)

    objects: CaseManager = CaseManager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-updated_at", "-id"], name="cases_case_org_updated")]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.key_id is None:
            self.key = crypto.record_key_new(self.organisation_id)
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def need_codes(self) -> list[str]:
        return split_codes(self.needs)

    @property
    def exploitation_codes(self) -> list[str]:
        return split_codes(self.exploitation)

    @property
    def language_codes(self) -> list[str]:
        return split_codes(self.languages)


class CaseKeyedManager(PersonRecordManager[Any]):
    """Rows read with their case's key in the same query, so a list decrypts without a query per row."""

    def visible_to(self, member: Any) -> PersonRecordQuerySet[Any]:
        return super().visible_to(member).select_related("key")


class CaseKeyed(PersonRecord):
    """A record that belongs to a case and is sealed under the case's key (`Case.key`), erased with it."""

    key = models.ForeignKey("core.RecordKey", on_delete=models.PROTECT, related_name="+", editable=False)

    objects: CaseKeyedManager = CaseKeyedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.key_id is None:
            self.key_id = self.case.key_id
        super().save(*args, **kwargs)


class ConsentQuerySet(PersonRecordQuerySet["Consent"]):
    def in_force(self, at: datetime | None = None) -> ConsentQuerySet:
        """Consents neither withdrawn nor expired at `at` (now by default)."""
        moment = at or timezone.now()
        return self.filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=moment),
            Q(expires_at__isnull=True) | Q(expires_at__gt=moment),
            given_at__lte=moment,
        )


class ConsentManager(PersonRecordManager["Consent"]):
    def visible_to(self, member: Any) -> ConsentQuerySet:
        return ConsentQuerySet(self.model, using=self._db).visible_to(member)  # type: ignore[return-value]


class Consent(PersonRecord):
    """What a person agreed to, for which purpose and recipient, covering which data, in which words.

    Nothing about a person is kept or shared beyond what a consent in force allows;
    `harbour.cases.consent.check` is the one place that decides.
    """

    class Purpose(models.TextChoices):
        OPEN_CASE = "open_case", _("Open a case to coordinate help")
        REFER = "refer", _("Refer to another organisation")
        CONTACT = "contact", _("Contact the person")
        STATISTICS = "statistics", _("Anonymous statistics")

    class Means(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        INTERPRETER = "interpreter", _("Through an interpreter")
        WRITTEN = "written", _("In writing")
        REPORT_THREAD = "report_thread", _("In a report's conversation")

    # Kept for old code paths: the categories a consent covers are `Category`.
    Scope = Category

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    # The organisation a referral consent names; nobody else may receive the data.
    recipient = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Comma-separated Category values: the data the person agreed may be kept or shared.
    scope = models.CharField(_("data it covers"), max_length=200)
    means = models.CharField(_("given"), max_length=16, choices=Means.choices, default=Means.IN_PERSON)
    language = models.CharField(_("language of the wording"), max_length=10, default="en")
    wording_version = models.CharField(_("wording version"), max_length=32, default="")
    wording = models.TextField(_("the words the person agreed to"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # On a recipient's linked case: the referral this consent came through (the person gave it to the
    # sender, in these words; the recipient's member who accepted recorded it here).
    came_through = models.ForeignKey(
        "Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("came through")
    )

    objects: ConsentManager = ConsentManager()

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["case", "purpose"], name="cases_consent_case_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def scopes(self) -> list[str]:
        return split_codes(self.scope)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(self.scopes)

    def scope_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(part, part)) for part in self.scopes]

    def in_force_at(self, moment: datetime) -> bool:
        if self.given_at > moment:
            return False
        if self.withdrawn_at is not None and self.withdrawn_at <= moment:
            return False
        return self.expires_at is None or self.expires_at > moment


class ReferralQuerySet(PersonRecordQuerySet["Referral"]):
    pass


class ReferralManager(PersonRecordManager["Referral"]):
    def visible_to(self, member: Any) -> ReferralQuerySet:
        """Referrals a member's organisation sent."""
        return ReferralQuerySet(self.model, using=self._db).visible_to(member)  # type: ignore[return-value]

    def received_by(self, member: Any) -> ReferralQuerySet:
        """Referrals sent to a member's organisation: the same person-data rules, on the recipient's side."""
        everyone = ReferralQuerySet(self.model, using=self._db)
        # may_see_person_data: an active person-data role in a vetted organisation that is not a state one.
        if not getattr(member, "is_authenticated", False) or not getattr(member, "may_see_person_data", False):
            return everyone.none()
        return everyone.filter(recipient_id=member.organisation_id)


class Referral(PersonRecord):
    """A case referred, for one need, from its organisation (`organisation`) to another (`recipient`).

    Only the data the referral consent covers travels, sealed under the recipient's
    own key (`shared`); accepting copies it into the recipient's own linked case.
    """

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the sender")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    recipient = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    need = models.CharField(_("need"), max_length=32, choices=Need.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SENT)
    # The categories that travelled (a subset of the consent's).
    categories = models.CharField(max_length=200)
    # JSON of the shared fields, encrypted for the recipient; emptied once the consent no longer allows it.
    shared = EncryptedTextField(null=True, blank=True, key_owner="recipient_id")
    # The recipient's reason for declining, in the recipient's key.
    decline_reason = EncryptedTextField(_("reason"), blank=True, default="", key_owner="recipient_id")
    received_case = models.OneToOneField(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_from"
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects: ReferralManager = ReferralManager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["recipient", "state"], name="cases_referral_recipient")]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.state})"

    @property
    def category_codes(self) -> list[str]:
        return split_codes(self.categories)


class Note(CaseKeyed):
    """A worker's note on a case, encrypted under the case's key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"), record_key="key")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class Task(CaseKeyed):
    """Something to do for a case, by a date, by one member."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("what to do"), record_key="key")
    due_on = models.DateField(_("due"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "due_on"], name="cases_task_owner_due")]

    def __str__(self) -> str:
        return f"task {self.pk} due {self.due_on}"


class Milestone(PersonRecord):
    """One step of the protection path. None of them asks for, or records, testimony."""

    class Kind(models.TextChoices):
        TRP_APPLIED = "trp_applied", _("Temporary Resident Permit (victims of trafficking): applied")
        TRP_ISSUED = "trp_issued", _("Temporary Resident Permit (victims of trafficking): issued")
        WORK_PERMIT = "work_permit", _("Work permit")
        IFH = "ifh", _("Interim Federal Health coverage")
        HC = "hc", _("Humanitarian and compassionate application")
        REFUGEE = "refugee", _("Refugee claim")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("step"), max_length=16, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    # When the home page starts showing a renewal: expires_on minus the lead time, computed by the action.
    remind_on = models.DateField(_("reminder"), null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_on}"


class CaseRetention(models.Model):
    """How long an organisation keeps a closed case before the daily job deletes it (`cases/retention.py`)."""

    DEFAULT_DAYS = 7 * 365

    organisation = models.OneToOneField("network.Organisation", on_delete=models.CASCADE, related_name="+")
    closed_case_days = models.PositiveIntegerField(_("days a closed case is kept"), default=DEFAULT_DAYS)

    def __str__(self) -> str:
        return f"organisation {self.organisation_id}: {self.closed_case_days} days"


class EmergencyAccessQuerySet(PersonRecordQuerySet["EmergencyAccess"]):
    def in_force(self, at: datetime | None = None) -> EmergencyAccessQuerySet:
        moment = at or timezone.now()
        return self.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=moment), granted_at__lte=moment, expires_at__gt=moment
        )


class EmergencyAccessManager(CaseKeyedManager):
    def visible_to(self, member: Any) -> EmergencyAccessQuerySet:
        """Emergency access to the member's organisation's cases (its administrators review them)."""
        records = EmergencyAccessQuerySet(self.model, using=self._db).visible_to(member)
        return records.select_related("key")  # type: ignore[return-value]

    def held_by(self, member: Any) -> EmergencyAccessQuerySet:
        """Emergency access a member of another organisation holds: only their own grants, only while in force."""
        everyone = EmergencyAccessQuerySet(self.model, using=self._db)
        if not getattr(member, "is_authenticated", False) or not getattr(member, "may_see_person_data", False):
            return everyone.none()
        return everyone.filter(member_id=member.pk, member_organisation_id=member.organisation_id).in_force()


class EmergencyAccess(CaseKeyed):
    """Break-glass: a member of another organisation reads one case, for a stated reason, for a short time.

    `organisation` is the case's organisation, whose administrators and the case's
    creator are told at once and see every read in their audit log. The reason is
    sealed under the case's key. Nothing can be changed through it: it opens one
    read-only page.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_access")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member_organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"), record_key="key")
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects: EmergencyAccessManager = EmergencyAccessManager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["member", "granted_at"], name="cases_emergency_member")]

    def __str__(self) -> str:
        return f"emergency access {self.pk} to case {self.case_id}"

    def in_force_at(self, moment: datetime) -> bool:
        ended = self.ended_at is not None and self.ended_at <= moment
        return self.granted_at <= moment < self.expires_at and not ended
