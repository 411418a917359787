"""The privacy core's records: data keys and the audit log, plus the base for person records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.core.roles import PERSON_DATA_ROLES, Role

if TYPE_CHECKING:
    from harbour.network.models import Member

P = TypeVar("P", bound="PersonRecord")


class DataKey(models.Model):
    """One organisation's data key, stored only wrapped by the master key."""

    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="data_keys")
    wrapped = models.BinaryField()
    master_fingerprint = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(retired_at__isnull=True),
                name="one_active_data_key_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"data key {self.pk} of organisation {self.organisation_id}"

    @classmethod
    def organisations(cls) -> models.QuerySet[Any]:
        """Every organisation that may own data keys (whether or not it has one yet), by the key's own relation."""
        organisation = cls._meta.get_field("organisation").related_model
        if not isinstance(organisation, type) or not issubclass(organisation, models.Model):
            raise TypeError("DataKey.organisation names no model")
        return organisation._default_manager.all()


class RecordKey(models.Model):
    """The data key of one record and everything that belongs to it (a case: its notes, tasks, ...).

    Stored only wrapped by its organisation's data key (`wrapped_by`), never by the master
    key directly. Destroying it (`crypto.record_key_destroy`) empties `wrapped`: every value
    sealed under it, wherever a copy of the ciphertext lies, can no longer be read by anyone,
    even with the master key. The row stays, holding nothing, so its id is never reused.
    """

    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    wrapped_by = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "destroyed" if self.destroyed_at else "live"
        return f"record key {self.pk} of organisation {self.organisation_id} ({state})"


class AuditEntry(models.Model):
    """Who did what to which person-level record, and when; never the values themselves.

    Rows are append-only: database triggers (migration 0002) refuse updates and deletes.
    """

    class Action(models.TextChoices):
        LIST = "list", _("listed")
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        SHARE = "share", _("shared")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint: audit rows must outlive anything they mention.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_role = models.CharField(max_length=32, choices=Role.choices)
    # Set, instead of actor and actor_role, when no member acted: a job, a timer, a person's own
    # request without an account. Nullable so the column is added in place: SQLite would rebuild the
    # table for a default, and a rebuilt table loses its append-only triggers.
    system_actor = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - see above
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    record_type = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"])]

    def __str__(self) -> str:
        who = self.system_actor or self.actor_role
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.record_type} {self.record_id}"


class UnscopedPersonRecordRead(Exception):
    """A person record was read without saying for whom: use visible_to(member)."""


class PersonRecordQuerySet(models.QuerySet[P]):
    def visible_to(self, member: Member | Any) -> PersonRecordQuerySet[P]:
        """Records this member may see: their own organisation's, and only for person-data roles."""
        if not getattr(member, "is_authenticated", False) or not member.is_active:
            return self.none()
        if member.role not in PERSON_DATA_ROLES or not member.may_see_person_data:
            return self.none()
        return self.filter(organisation_id=member.organisation_id)


class PersonRecordManager(models.Manager[P]):
    """The only way views read person records: `Model.objects.visible_to(member)`.

    Any other read through `objects` raises, so a view cannot list or fetch
    person records without naming the member they are for. Background jobs
    (key rotation, retention) use `Model.system_objects`, which no view uses.
    """

    def get_queryset(self) -> PersonRecordQuerySet[P]:
        raise UnscopedPersonRecordRead(
            f"{self.model._meta.label}: read through objects.visible_to(member), or system_objects in a job"
        )

    def visible_to(self, member: Member | Any) -> PersonRecordQuerySet[P]:
        return PersonRecordQuerySet(self.model, using=self._db).visible_to(member)

    def create(self, **kwargs: Any) -> P:
        record = self.model(**kwargs)
        record.save(force_insert=True, using=self.db)
        return record


class PersonRecord(models.Model):
    """Base for every record about a person: owned by one organisation, read through visible_to."""

    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")

    objects: PersonRecordManager[Any] = PersonRecordManager()
    system_objects: models.Manager[Any] = models.Manager()

    class Meta:
        abstract = True
