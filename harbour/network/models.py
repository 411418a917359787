"""Organisations, their members, working groups, invitations and sign-in records."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.core.fields import EncryptedTextField
from harbour.core.roles import PERSON_DATA_ROLES, TWO_FACTOR_ROLES, Role


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


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
