"""Action response plans (per working group, every version kept) and the hotline's call log."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from harbour.core.fields import EncryptedTextField
from harbour.core.models import PersonRecord
from harbour.core.reference import Province
from harbour.network.models import WorkingGroup
from harbour.respond import situations


def _french() -> bool:
    return (get_language() or "").startswith("fr")


class PlanQuerySet(models.QuerySet["Plan"]):
    def for_organisation(self, organisation_id: int) -> PlanQuerySet:
        """The plans of the working groups an organisation belongs to."""
        return self.filter(working_group__organisations=organisation_id).distinct()

    def stale(self, today: datetime.date | None = None) -> PlanQuerySet:
        today = today or timezone.localdate()
        return self.filter(reviewed_on__lte=today - datetime.timedelta(days=settings.HARBOUR_PLAN_REVIEW_DAYS))


class Plan(models.Model):
    """One working group's action response plan: who to call, in what order, when a person is identified.

    Its words live in versions (`PlanVersion`); the newest is the plan. The plan
    itself holds what is not a version: whose it is, who keeps it, when it was last
    reviewed.
    """

    working_group = models.OneToOneField(
        WorkingGroup, on_delete=models.PROTECT, related_name="response_plan", verbose_name=_("working group")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    reviewed_on = models.DateField(_("last reviewed"))
    # The last day a reminder (stale plan or broken links) went to the owner, so it goes once a week.
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["working_group__province", "working_group__city"]

    def __str__(self) -> str:
        return f"plan of {self.working_group_id}"

    def review_due_on(self) -> datetime.date:
        return self.reviewed_on + datetime.timedelta(days=settings.HARBOUR_PLAN_REVIEW_DAYS)

    def is_stale(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) >= self.review_due_on()


class PlanVersion(models.Model):
    """One saved version of a plan's words and steps; never changed once saved."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title in English"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="respond_one_number_per_plan_version")]

    def __str__(self) -> str:
        return f"version {self.number} of plan {self.plan_id}"

    @property
    def localised_title(self) -> str:
        return self.title_fr if _french() and self.title_fr else self.title


class PlanStep(models.Model):
    """One step of a plan version: whom to call, what to do, their phone and hours, for which situations."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveIntegerField()
    who = models.CharField(_("whom to call, in English"), max_length=200)
    who_fr = models.CharField(_("whom to call, in French"), max_length=200, blank=True)
    action = models.TextField(_("what to do, in English"), blank=True)
    action_fr = models.TextField(_("what to do, in French"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(_("hours"), max_length=100, blank=True)
    # A directory service (its HSDS id). Not a database link: a re-import may remove the
    # service, and the plan must then say so rather than lose the step.
    service_id = models.CharField(_("directory service"), max_length=250, blank=True)
    situations = models.JSONField(_("for these situations"), default=list, blank=True)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return f"step {self.position} of {self.version_id}"

    @property
    def localised_who(self) -> str:
        return self.who_fr if _french() and self.who_fr else self.who

    @property
    def localised_action(self) -> str:
        return self.action_fr if _french() and self.action_fr else self.action

    @property
    def fell_back(self) -> bool:
        """True on French pages when this step has no French words of its own."""
        return _french() and (not self.who_fr or (bool(self.action) and not self.action_fr))

    def situation_labels(self) -> list[str]:
        return situations.labels_of(self.situations)

    def applies(self, situation: set[str]) -> bool:
        return situations.applies(self.situations, situation)


class Call(PersonRecord):
    """One call to the hotline, without anyone's identity: no name, no number, the hour only.

    Read with `Call.objects.visible_to(member)`; statistics read counts only (`respond.stats`).
    """

    class Topic(models.TextChoices):
        LABOUR = "labour", _("Labour exploitation")
        SEXUAL = "sexual", _("Sexual exploitation")
        HOUSING = "housing", _("A safe place to stay")
        IMMIGRATION = "immigration", _("Immigration status")
        RIGHTS = "rights", _("Rights and information")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        INFORMATION = "information", _("Information given")
        REFERRED = "referred", _("Referred to a service")
        SCREENING = "screening", _("Screening done with the caller")
        EMERGENCY = "emergency", _("Emergency services called, with consent")
        CALL_BACK = "call_back", _("Caller will call back")
        ENDED = "ended", _("Call ended early")

    hour = models.DateTimeField(_("hour of the call"), db_index=True)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices, blank=True)
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    language = models.CharField(_("language of the call"), max_length=16)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    interpreter = models.BooleanField(_("interpreter used"), default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    referral_made = models.BooleanField(_("referral made"), default=False)
    # The only free text; the form refuses anything shaped like a phone number or an email address.
    note = EncryptedTextField(_("note"), blank=True, default="")

    class Meta:
        ordering = ["-hour", "-id"]

    def __str__(self) -> str:
        return f"call at {self.hour:%Y-%m-%d %H}:00"

    @staticmethod
    def round_to_hour(moment: datetime.datetime) -> datetime.datetime:
        """The hour a call began in: no call is stored more precisely than that."""
        return moment.replace(minute=0, second=0, microsecond=0)
