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
    # The screening answers and catalogue version (JSON), kept only with the person's consent.
    screening = EncryptedTextField(_("screening answers"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.reference


class Consent(PersonRecord):
    """What a person agreed to, when, in which words, recorded by whom; withdrawn or expiring.

    Nothing about a person is kept beyond what a consent record allows.
    """

    class Purpose(models.TextChoices):
        OPEN_CASE = "open_case", _("Open a case to coordinate help")

    class Scope(models.TextChoices):
        CASE = "case", _("A case record with a reference, not a name")
        SCREENING = "screening", _("The screening answers and their reading")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    # Comma-separated Scope values: the data the person agreed may be kept.
    scope = models.CharField(_("what may be kept"), max_length=200)
    wording = models.TextField(_("the words the person agreed to"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def scopes(self) -> list[str]:
        return [part for part in self.scope.split(",") if part]

    def scope_labels(self) -> list[str]:
        labels = dict(self.Scope.choices)
        return [str(labels.get(part, part)) for part in self.scopes]
