"""Vetting an organisation, and saving its profile."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.network.actions.common import ActionRefused
from harbour.network.models import Member, Organisation


def organisation_vet(*, by: Member, organisation: Organisation, status: str, note: str) -> Organisation:
    if not by.is_coordinator:
        raise ActionRefused(_("Only a network coordinator can vet an organisation."))
    organisation.vetting_status = status
    organisation.vetting_note = note
    organisation.vetted_by = by
    organisation.vetted_at = timezone.now()
    organisation.save(update_fields=["vetting_status", "vetting_note", "vetted_by", "vetted_at"])
    return organisation


def organisation_profile_save(*, by: Member, organisation: Organisation) -> Organisation:
    """Saves the profile the form filled in; only the organisation's own administrators."""
    if not (by.is_org_admin and by.organisation_id == organisation.pk):
        raise ActionRefused(_("Only your organisation's administrators can change its profile."))
    organisation.profile_updated_at = timezone.now()
    organisation.save()
    return organisation
