"""Safe reports: who receives them, their keys, and reports as ciphertext the server cannot read.

No row holds anything typed by a reporter in the clear, nor a time finer than a day.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.core.models import PersonRecord
from harbour.network.models import Member, Organisation

DEFAULT_RETENTION_DAYS = 90


class ReceiverQuerySet(models.QuerySet["ReportReceiver"]):
    def open(self) -> ReceiverQuerySet:
        """Receivers a reporter may choose: vetted, not a state body, with at least one member key."""
        holders = MemberKey.objects.filter(member__organisation_id=OuterRef("organisation_id"), member__is_active=True)
        return (
            self.filter(accepts_reports=True, organisation__vetting_status=Organisation.Vetting.VETTED)
            .exclude(organisation__kind__in=Organisation.STATE_KINDS)
            .filter(Exists(holders))
            .select_related("organisation")
        )


class ReportReceiver(models.Model):
    """An organisation's choice to receive reports, and how long it keeps them."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="report_receiver")
    accepts_reports = models.BooleanField(_("receives reports"), default=False)
    # The network's intake: listed first, for a reporter who does not know whom to choose.
    is_network_intake = models.BooleanField(_("the network's intake"), default=False)
    sectors = models.CharField(
        _("kinds of work it knows"),
        max_length=200,
        blank=True,
        help_text=_("For example: farm work, care work, restaurants. Shown to reporters."),
    )
    retention_days = models.PositiveIntegerField(
        _("days a report is kept after its last activity"), default=DEFAULT_RETENTION_DAYS
    )

    objects = ReceiverQuerySet.as_manager()

    class Meta:
        ordering = ["-is_network_intake", "organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name


class MemberKey(models.Model):
    """A receiving member's key pair: the public half in the clear, the private half locked twice."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="report_key")
    public_key = models.BinaryField()
    # The private key, locked under Argon2id(password, password_salt).
    password_locked = models.BinaryField()
    password_salt = models.BinaryField()
    # The same private key, locked under Argon2id(recovery key, recovery_salt).
    recovery_locked = models.BinaryField()
    recovery_salt = models.BinaryField()
    created_on = models.DateField(default=date.today)

    def __str__(self) -> str:
        return f"key of {self.member}"


class Report(PersonRecord):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Being looked at")
        CLOSED = "closed", _("Closed")
        CASE = "case", _("Became a case")

    class Urgency(models.TextChoices):
        UNKNOWN = "", _("Not set")
        URGENT = "urgent", _("Urgent")
        SOON = "soon", _("This week")
        ROUTINE = "routine", _("Routine")

    public_key = models.BinaryField()
    # The report's private key, locked under the key the receipt code derives.
    reporter_locked = models.BinaryField()
    receipt_digest = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, blank=True, default="")
    assigned_to = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assigned to")
    )
    # The language the reporter wrote in, so a receiver can answer in it.
    language = models.CharField(max_length=10)
    # Days only: a precise time could tell who was where.
    received_on = models.DateField(default=date.today)
    last_activity_on = models.DateField(default=date.today)
    expires_on = models.DateField()
    waiting_for_receiver = models.BooleanField(default=True)
    waiting_for_reporter = models.BooleanField(default=False)
    # The reporter agreed, in the thread, that the receiver opens a case; the wording they saw is a message.
    case_consent_given_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_on", "-pk"]

    def __str__(self) -> str:
        return f"report {self.pk}"

    def touch(self, retention_days: int) -> None:
        today = timezone.localdate()
        self.last_activity_on = today
        self.expires_on = today + timedelta(days=retention_days)


class ReportKey(models.Model):
    """The report's private key, sealed to one receiving member's public key."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="keys")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    sealed_private_key = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "member"], name="report_key_once_per_member")]

    def __str__(self) -> str:
        return f"key of report {self.report_id} for member {self.member_id}"


class Message(models.Model):
    """One entry in a report's thread: the report itself, a reply, or an answer. Sealed to the report's key."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("The person who reported")
        RECEIVER = "receiver", _("Receiver")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=8, choices=Author.choices)
    # Which member replied; the reporter sees only "the organisation".
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sealed_body = models.BinaryField()
    written_on = models.DateField(default=date.today)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"message {self.pk}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"reports/{filename}"


class Attachment(models.Model):
    """A file the reporter added, metadata stripped, then sealed to the report's key; no name in the clear."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # A random name: the file's own name and type are inside the sealed metadata.
    stored = models.FileField(upload_to=_attachment_path, max_length=200)
    sealed_details = models.BinaryField()
    size_bucket_kb = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"


def retention_days_for(organisation_id: int) -> int:
    receiver = ReportReceiver.objects.filter(organisation_id=organisation_id).first()
    return receiver.retention_days if receiver is not None else DEFAULT_RETENTION_DAYS
