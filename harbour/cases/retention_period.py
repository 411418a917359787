"""An organisation's administrator sets how long its closed cases are kept (`CaseRetention`, stored in days).

The period is bounded: at least `MIN_DAYS`, so that a typo ("1") or a case closed by
mistake does not lose everything at the next night's run and the person still has a
month to ask for their export; at most `MAX_YEARS`, because keeping a case "for ever"
is not what the work needs. Inside those bounds, the law an organisation answers to
(a professional regulator's record-keeping rule, a funder's contract) sets its period:
docs/cases.md says more. The daily job (`cases/retention.py`) reads it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from harbour.cases.models import CaseRetention
from harbour.cases.retention import closed_cases_due
from harbour.core.audit import audit_write
from harbour.core.models import AuditEntry

if TYPE_CHECKING:
    from harbour.network.models import Member

DEFAULT_DAYS = CaseRetention.DEFAULT_DAYS
MIN_DAYS = 30
MAX_YEARS = 25
MAX_DAYS = MAX_YEARS * 365
# What one of each unit counts for: a year is 365 days, a month 30, as the default period (7 * 365) is.
DAYS_IN = {"years": 365, "months": 30, "days": 1}
RECORD_TYPE = CaseRetention._meta.label_lower


def period_in_units(days: int) -> tuple[int, str]:
    """The friendliest exact way to say a period: whole years, else whole months, else days."""
    for unit in ("years", "months"):
        if days % DAYS_IN[unit] == 0:
            return days // DAYS_IN[unit], unit
    return days, "days"


def period_text(days: int) -> str:
    amount, unit = period_in_units(days)
    if unit == "years":
        return ngettext("%(count)d year", "%(count)d years", amount) % {"count": amount}
    if unit == "months":
        return ngettext("%(count)d month", "%(count)d months", amount) % {"count": amount}
    return ngettext("%(count)d day", "%(count)d days", amount) % {"count": amount}


class RetentionForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Keep each closed case for"),
        # A text box, not type=number: a browser would empty a number box holding "abc", and the
        # reader should see what they typed beside the message.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "autocomplete": "off"}),
        error_messages={
            "required": _("Write how long closed cases are kept, as a whole number, for example 7."),
            "invalid": _("Write the period as a whole number, for example 7."),
        },
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("years", _("years")), ("months", _("months")), ("days", _("days"))],
        error_messages={
            "required": _("Choose years, months or days."),
            "invalid_choice": _("Choose years, months or days."),
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        amount, unit = cleaned.get("amount"), cleaned.get("unit")
        if amount is None or unit is None:
            return cleaned
        days = amount * DAYS_IN[unit]
        if days < MIN_DAYS:
            self.add_error(
                "amount",
                _("A closed case is kept at least %(days)d days, so that a mistake can still be put right.")
                % {"days": MIN_DAYS},
            )
        elif days > MAX_DAYS:
            self.add_error(
                "amount",
                _("A closed case is kept at most %(years)d years: choose a shorter period.") % {"years": MAX_YEARS},
            )
        else:
            cleaned["days"] = days
        return cleaned


def initial_for(days: int) -> dict[str, Any]:
    amount, unit = period_in_units(days)
    return {"amount": amount, "unit": unit}


def current_days(organisation_id: int) -> int:
    days = CaseRetention.objects.filter(organisation_id=organisation_id).values_list("closed_case_days", flat=True)
    return days.first() or CaseRetention.DEFAULT_DAYS


def due_count(organisation_id: int, now: datetime) -> int:
    """How many of the organisation's closed cases are past its period: the next daily run deletes them."""
    return closed_cases_due(now).filter(organisation_id=organisation_id).count()


def last_change(organisation_id: int) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(organisation_id=organisation_id, record_type=RECORD_TYPE)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def retention_set(*, by: Member, days: int) -> CaseRetention:
    """Sets the administrator's organisation's period; the audit entry names the organisation, nothing else."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValueError(f"a retention period is between {MIN_DAYS} and {MAX_DAYS} days")
    with transaction.atomic():
        setting, _created = CaseRetention.objects.update_or_create(
            organisation_id=by.organisation_id, defaults={"closed_case_days": days}
        )
        audit_write(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            organisation_id=by.organisation_id,
            record_type=RECORD_TYPE,
            record_id=str(by.organisation_id),
        )
    return setting
