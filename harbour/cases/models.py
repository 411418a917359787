"""Pseudonymous case records. This is the seed the cases issue grows from."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.core.fields import EncryptedTextField
from harbour.core.models import PersonRecord

# No 0/O or 1/I: references are read aloud on the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "HB-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


class Case(PersonRecord):
    """A person helped by one organisation, known by a reference rather than a name."""

    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_reference)
    summary = EncryptedTextField(_("situation and needs"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.reference
