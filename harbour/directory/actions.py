"""Writes with side effects in the directory."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from harbour.core.audit import audit_write
from harbour.core.mail import email_send
from harbour.core.models import AuditEntry
from harbour.core.roles import Role
from harbour.directory import vocabulary
from harbour.directory.confidential import protect_location
from harbour.directory.models import BedAvailability, Location, Organization, Service, Taxonomy, TaxonomyTerm
from harbour.network.models import Member

# A service not verified for this long is out of date; its administrators are reminded.
VERIFY_EVERY = datetime.timedelta(days=183)
# After the first reminder, another one every this many days until someone verifies.
REMIND_AGAIN_EVERY_DAYS = 30


def _listing_changed(by: Member, record_type: str, record_id: str, organization_id: str | None) -> None:
    """Writes to the audit log that `by` changed a directory listing, under the listing's network organisation.

    So an organisation's administrators see who edited, verified or hid their listings (and a
    coordinator can answer for a change made to someone else's).
    """
    owner = (
        Organization.objects.filter(id=organization_id).values_list("network_organisation_id", flat=True).first()
        if organization_id
        else None
    )
    audit_write(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        organisation_id=owner or by.organisation_id,
        record_type=record_type,
        record_id=record_id,
    )


def location_make_confidential(*, by: Member | None, location: Location) -> Location:
    """Hide a location's street address and exact point from the public (they move to its confidential address).

    `by` is None when an import or a command does it; a member's doing is audited.
    """
    with transaction.atomic():
        location.confidential = True
        location.save(update_fields=["confidential", "modified_at"])
        protect_location(location)
        if by is not None:
            _listing_changed(by, "directory.location", location.id, location.organization_id)
    return location


def confidential_addresses_view(*, by: Member, locations: Iterable[Location]) -> None:
    """Writes to the audit log that `by` was shown these confidential locations' addresses.

    Each entry belongs to the shelter's network organisation when it has one, so its
    administrators see who looked; otherwise to the reader's own organisation.
    """
    entries = []
    for location in locations:
        organization = location.organization
        owner = organization.network_organisation_id if organization is not None else None
        entries.append(
            AuditEntry(
                actor=by,
                actor_role=by.role,
                organisation_id=owner or by.organisation_id,
                action=AuditEntry.Action.VIEW,
                record_type="directory.confidentialaddress",
                record_id=str(location.id),
            )
        )
    AuditEntry.objects.bulk_create(entries)


def service_update(*, by: Member, service: Service, fields: dict[str, object]) -> Service:
    """Saves an administrator's changes to their organisation's service; changing it also verifies it."""
    with transaction.atomic():
        for name, value in fields.items():
            setattr(service, name, value)
        service.search_text = service.compute_search_text()
        service.assured_date = timezone.localdate()
        service.save()
        _listing_changed(by, "directory.service", service.id, service.organization_id)
    return service


def service_verify(*, by: Member, service: Service) -> Service:
    """Records that an administrator checked the service and it is still right today.

    The date is public (HSDS `assured_date`); who checked it is kept in the audit log only, never in
    the listing (HSDS `assurer_email` would publish a member's address).
    """
    with transaction.atomic():
        service.assured_date = timezone.localdate()
        service.save(update_fields=["assured_date", "modified_at"])
        _listing_changed(by, "directory.service", service.id, service.organization_id)
    return service


def beds_post(*, by: Member, location: Location, places_available: int) -> BedAvailability:
    """A shelter posts how many places it has tonight."""
    with transaction.atomic():
        return BedAvailability.objects.create(location=location, places_available=places_available, updated_by=by)


def _reminder_due(assured: datetime.date | None, today: datetime.date) -> bool:
    if assured is None:
        return False
    overdue = (today - assured) - VERIFY_EVERY
    return overdue >= datetime.timedelta(0) and overdue.days % REMIND_AGAIN_EVERY_DAYS == 0


def verification_reminders_send(*, today: datetime.date | None = None, site_url: str = "") -> int:
    """Emails each organisation administrator whose services reach six months without verification today.

    Meant to run once a day: a reminder goes on the day a service becomes out of date and
    every thirty days after, until someone verifies it. Returns how many emails were sent.
    """
    today = today or timezone.localdate()
    due: dict[int, list[Service]] = {}
    stale = Service.objects.active().filter(
        organization__network_organisation__isnull=False, assured_date__lte=today - VERIFY_EVERY
    )
    for service in stale.select_related("organization").order_by("name"):
        if _reminder_due(service.assured_date, today) and service.organization is not None:
            organisation_id = service.organization.network_organisation_id
            if organisation_id is not None:
                due.setdefault(organisation_id, []).append(service)
    sent = 0
    link = (site_url or settings.HARBOUR_SITE_URL).rstrip("/")
    admins_of: dict[int, list[Member]] = {}
    admins = Member.objects.filter(organisation_id__in=due, role=Role.ORG_ADMIN, is_active=True).order_by("pk")
    for admin in admins:  # one query for every organisation's administrators
        admins_of.setdefault(admin.organisation_id, []).append(admin)
    for organisation_id, services in due.items():
        for admin in admins_of.get(organisation_id, []):
            with translation.override(admin.preferred_language or settings.LANGUAGE_CODE):
                names = "\n".join(f"- {service.name}" for service in services)
                body = _(
                    "These services of your organisation have not been verified for six months or more:\n\n"
                    "%(names)s\n\n"
                    "People and hotline operators rely on them. Please check each one and press "
                    '"Still correct" or correct it: %(link)s'
                ) % {"names": names, "link": link + reverse("directory:my_services")}
                email_send(to=admin.email, subject=_("Harbour directory: please verify your services"), body=body)
            sent += 1
    return sent


def taxonomies_ensure() -> None:
    """Harbour's taxonomies and terms exist, with their stable ids."""
    for taxonomy in vocabulary.hsds_taxonomies():
        Taxonomy.objects.update_or_create(
            id=taxonomy["id"],
            defaults={key: taxonomy[key] for key in ("name", "description", "uri", "version")},
        )
    for term in vocabulary.hsds_taxonomy_terms():
        detail: Any = term["taxonomy_detail"]
        fields = {key: term[key] for key in ("code", "name", "description", "taxonomy", "language") if key in term}
        if "term_uri" in term:
            fields["term_uri"] = term["term_uri"]
        TaxonomyTerm.objects.update_or_create(id=term["id"], defaults={**fields, "taxonomy_detail_id": detail["id"]})
