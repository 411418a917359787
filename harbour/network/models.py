"""Organisations, members, working groups, invitations, sign-in records, announcements, meetings
and the recommendation tracker."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from harbour.core.fields import EncryptedTextField
from harbour.core.reference import Province
from harbour.core.roles import PERSON_DATA_ROLES, TWO_FACTOR_ROLES, Role


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def vetted(self) -> OrganisationQuerySet:
        return self.filter(vetting_status=Organisation.Vetting.VETTED)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        SHELTER = "shelter", _("Shelter")
        LEGAL_CLINIC = "legal_clinic", _("Legal clinic")
        HEALTH = "health", _("Health")
        SETTLEMENT = "settlement", _("Settlement agency")
        WORKERS_CENTRE = "workers_centre", _("Union or workers' centre")
        FAITH = "faith", _("Faith group")
        ACADEMIC = "academic", _("Academic")
        GOVERNMENT = "government", _("Government")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        OTHER = "other", _("Other")

    class Vetting(models.TextChoices):
        PENDING = "pending", _("Waiting for vetting")
        VETTED = "vetted", _("Vetted")
        SUSPENDED = "suspended", _("Suspended")
        DECLINED = "declined", _("Declined")

    # Organisations of these kinds hold no one's data and have only liaison members.
    STATE_KINDS: ClassVar[frozenset[str]] = frozenset({Kind.GOVERNMENT, Kind.LAW_ENFORCEMENT})

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    city = models.CharField(_("city"), max_length=100)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    vetting_status = models.CharField(
        _("vetting status"), max_length=16, choices=Vetting.choices, default=Vetting.PENDING
    )
    vetted_at = models.DateTimeField(null=True, blank=True)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vetting_note = models.TextField(_("vetting note"), blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The profile other members read to find partners. The contact is the organisation's
    # public-facing one (an intake line, a team address), not a staff member's own details.
    description = models.TextField(_("what the organisation does"), blank=True)
    areas_served = models.CharField(_("where it works"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(
        _("whom to contact"),
        max_length=200,
        blank=True,
        help_text=_("A role or a team, for example “Intake team”. Name a person only if they agree."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    profile_updated_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_vetted(self) -> bool:
        return self.vetting_status == self.Vetting.VETTED

    @property
    def is_state(self) -> bool:
        return self.kind in self.STATE_KINDS

    def roles_allowed(self) -> list[str]:
        """Roles a member of this organisation may hold."""
        if self.is_state:
            return [Role.LIAISON]
        return [r for r in Role.values if r != Role.LIAISON]


class WorkingGroup(models.Model):
    """A city working group of the national network."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    organisations = models.ManyToManyField(Organisation, related_name="working_groups", blank=True)
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city representative to the national network"),
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["province", "city"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.TextChoices):
    """How a member receives the network's announcements and meeting reminders."""

    EVERY = "every", _("Every message, as it is sent")
    DIGEST = "digest", _("One email a day with the day's messages")
    NONE = "none", _("No email: I read them on the site")


# Until a member chooses, coordinators and administrators, who act on network news for
# their organisation, get every message; everyone else gets one daily digest.
ROLE_DEFAULT_DELIVERY: dict[str, str] = {Role.COORDINATOR: Delivery.EVERY, Role.ORG_ADMIN: Delivery.EVERY}


class MemberManager(BaseUserManager["Member"]):
    def get_by_natural_key(self, username: str | None) -> Member:
        return self.get(email__iexact=username)


class Member(AbstractBaseUser):
    """A person who works in the network. Members belong to one organisation at a time."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    preferred_language = models.CharField(max_length=10, default="en")
    totp_secret = EncryptedTextField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)
    is_demo = models.BooleanField(default=False)
    # Empty until the member chooses: then the role's default applies (see `delivery`).
    announcement_delivery = models.CharField(
        _("network email"), max_length=8, choices=Delivery.choices, blank=True, default=""
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[MemberManager] = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            # Sign-in looks emails up without regard to case, so they must be unique that way too.
            models.UniqueConstraint(Lower("email"), name="member_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def needs_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES

    @property
    def has_two_factor(self) -> bool:
        # Whether a secret is stored needs no decryption: the sealed value is enough.
        if "totp_secret" in self.__dict__:
            return bool(self.__dict__["totp_secret"])
        return bool(self.totp_secret)

    @property
    def may_see_person_data(self) -> bool:
        """True only for person-data roles in a vetted, non-state organisation."""
        return (
            self.is_active
            and self.role in PERSON_DATA_ROLES
            and self.organisation.is_vetted
            and not self.organisation.is_state
        )

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ORG_ADMIN

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def delivery(self) -> str:
        """The member's choice of network email, or their role's default."""
        return self.announcement_delivery or ROLE_DEFAULT_DELIVERY.get(self.role, Delivery.DIGEST)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An emailed, expiring link that lets someone join an organisation in a role.

    Only a digest of the token is stored, so a copy of the database cannot be used to join.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=settings.HARBOUR_INVITATION_DAYS)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class SignInEvent(models.Model):
    """A member's sign-in attempt, kept so they can spot use of their account. No address or device."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Signed in")
        BAD_PASSWORD = "bad_password", _("Wrong password")
        BAD_CODE = "bad_code", _("Wrong two-factor code")
        LOCKED = "locked", _("Refused: too many failed attempts")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="sign_ins")
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class SignInThrottle(models.Model):
    """Failed sign-ins per account, keyed by a keyed hash of the email, never by address."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.failures} failures"


class Audience(models.TextChoices):
    WORKING_GROUP = "group", _("One working group")
    PROVINCE = "province", _("One province or territory")
    NETWORK = "network", _("The whole network")


def _audience_filter(member: Member) -> Q:
    """Things addressed to the network, to the member's province, or to a group their organisation is in."""
    in_groups = WorkingGroup.objects.filter(organisations=member.organisation_id)
    return (
        Q(audience=Audience.NETWORK)
        | Q(audience=Audience.PROVINCE, province=member.organisation.province)
        | Q(audience=Audience.WORKING_GROUP, working_group__in=in_groups)
    )


class AddressedQuerySet(models.QuerySet[Any]):
    def addressed_to(self, member: Member) -> AddressedQuerySet:
        """What is sent to a member: their audiences; for liaisons only what was opened to them."""
        if not member.is_active or not member.organisation.is_vetted:
            return self.none()
        addressed = self.filter(_audience_filter(member))
        if member.role == Role.LIAISON or member.organisation.is_state:
            addressed = addressed.filter(open_to_liaisons=True)
        return addressed

    def visible_to(self, member: Member) -> AddressedQuerySet:
        """What a member may read: what is addressed to them; coordinators, who run the network, read all."""
        if member.is_active and member.is_coordinator and member.organisation.is_vetted:
            return self.all()
        return self.addressed_to(member)


class Addressed(models.Model):
    """Something addressed to a working group, a province or the whole network.

    Liaisons (government and law enforcement) are network members, but the seeds keep the
    network itself to NGOs and liaise with government through it: they receive and read
    only what its author opened to them.
    """

    audience = models.CharField(_("for"), max_length=8, choices=Audience.choices, default=Audience.NETWORK)
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("working group")
    )
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices, blank=True)
    open_to_liaisons = models.BooleanField(
        _("also for government and law-enforcement liaisons"),
        default=False,
        help_text=_("Leave unticked for anything that is for the network's organisations only."),
    )

    class Meta:
        abstract = True

    def audience_label(self) -> str:
        if self.audience == Audience.WORKING_GROUP and self.working_group is not None:
            return self.working_group.name
        if self.audience == Audience.PROVINCE:
            return str(self.get_province_display())
        return str(_("the whole network"))

    def audience_members(self) -> models.QuerySet[Member]:
        """Active members of vetted organisations this is addressed to."""
        members = Member.objects.filter(is_active=True, organisation__vetting_status=Organisation.Vetting.VETTED)
        if self.audience == Audience.WORKING_GROUP:
            members = members.filter(organisation__working_groups=self.working_group_id)
        elif self.audience == Audience.PROVINCE:
            members = members.filter(organisation__province=self.province)
        if not self.open_to_liaisons:
            members = members.exclude(role=Role.LIAISON).exclude(organisation__kind__in=Organisation.STATE_KINDS)
        return members.select_related("organisation").distinct()

    def audience_reach(self) -> tuple[int, int]:
        """How many members this is for, and how many of them are emailed each message (one query)."""
        choices = list(self.audience_members().values_list("announcement_delivery", "role"))
        emailed = [choice or ROLE_DEFAULT_DELIVERY.get(role, Delivery.DIGEST) for choice, role in choices]
        return len(choices), emailed.count(Delivery.EVERY)


class Announcement(Addressed):
    """A message to a working group, a province or the network: the network's listserv."""

    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="announcements")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    objects = AddressedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class Reply(models.Model):
    """A message in the discussion under an announcement."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"))
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["posted_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.announcement_id}"


class Meeting(Addressed):
    """A meeting of a working group or of the network."""

    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    objects = AddressedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


def _report_path(instance: MeetingReport, filename: str) -> str:
    # A random name: the uploader's file name may name a person, so it is never kept.
    return f"network/meeting-reports/{secrets.token_hex(16)}"


class MeetingReport(models.Model):
    """A report attached to a meeting, served only through an access-checked view."""

    # The kinds of file a report may be, by the ending of its name, with the type it is served as
    # and how its content starts. The type never comes from the uploader's browser.
    KINDS: ClassVar[dict[str, tuple[str, bytes | None]]] = {
        ".pdf": ("application/pdf", b"%PDF-"),
        ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
        ".ods": ("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04"),
        ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
        ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
        ".txt": ("text/plain", None),
        ".csv": ("text/csv", None),
    }

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_report_path)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def ending(self) -> str:
        """The ending of a name for this kind of file, such as ".pdf"."""
        return next((end for end, (kind, _start) in self.KINDS.items() if kind == self.content_type), "")

    @property
    def download_name(self) -> str:
        """The name a download gets: Harbour's own, never the uploader's."""
        return f"harbour-meeting-report-{self.pk}{self.ending}"

    @classmethod
    def kind_of(cls, filename: str, head: bytes) -> str | None:
        """The content type to serve a file as, or None if its name or its first bytes are not a report's."""
        extension = Path(filename.lower()).suffix
        if extension not in cls.KINDS:
            return None
        content_type, signature = cls.KINDS[extension]
        if signature is None:
            return None if b"\x00" in head else content_type  # text has no NUL bytes
        return content_type if head.startswith(signature) else None


class RecommendationStatusQuerySet(models.QuerySet["RecommendationStatus"]):
    def newest_first(self) -> RecommendationStatusQuerySet:
        return self.order_by("-date", "-recorded_at", "-id")


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def with_current_status(self) -> RecommendationQuerySet:
        """Annotates `current_status_value`: the status of the newest dated entry, or None."""
        newest = RecommendationStatus.objects.filter(recommendation=OuterRef("pk")).newest_first()
        return self.annotate(current_status_value=Subquery(newest.values("status")[:1]))


class Recommendation(models.Model):
    """A policy recommendation from the seeds, followed over time."""

    class Source(models.TextChoices):
        CCR_2003 = "ccr-2003", _("Canadian Council for Refugees, Trafficking in Women and Girls (2003)")
        CCR_2013 = "ccr-2013", _("Canadian Council for Refugees, National Forum on Trafficking (2013)")

    class Theme(models.TextChoices):
        PROTECTION = "protection", _("Protection")
        RESEARCH = "research", _("Research and data")
        TRAINING = "training", _("Training")
        NETWORKING = "networking", _("Networking")
        AWARENESS = "awareness", _("Awareness")
        FUNDING = "funding", _("Funding")

    class Level(models.TextChoices):
        FEDERAL = "federal", _("Federal")
        PROVINCIAL = "provincial", _("Provincial and territorial")
        MUNICIPAL = "municipal", _("Municipal")
        INDIGENOUS = "indigenous", _("Indigenous governments")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        MULTIPLE = "multiple", _("Several levels")

    code = models.SlugField(max_length=40, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    section = models.CharField(_("section"), max_length=200)
    text = models.TextField(_("recommendation"))
    text_fr = models.TextField(blank=True)
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices)
    level = models.CharField(_("level of government"), max_length=16, choices=Level.choices)
    position = models.PositiveIntegerField(default=0)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def localised_text(self) -> str:
        """The recommendation in French on French pages when a translation is there, else in English."""
        if (get_language() or "").startswith("fr") and self.text_fr:
            return self.text_fr
        return self.text


class RecommendationStatus(models.Model):
    """One dated step in a recommendation's history, with the evidence for it."""

    class Status(models.TextChoices):
        NO_PROGRESS = "no_progress", _("No progress")
        PARTIAL = "partial", _("Partly implemented")
        IMPLEMENTED = "implemented", _("Implemented")
        REGRESSED = "regressed", _("Regressed")

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    date = models.DateField(_("date of the evidence"))
    evidence = models.TextField(_("evidence"))
    link = models.URLField(_("link to the evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    objects = RecommendationStatusQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recommendation_id} {self.status} {self.date}"
