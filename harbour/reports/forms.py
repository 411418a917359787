"""The reporter's guided form, the receiver's triage, and an organisation's report settings."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from harbour.network.models import Member
from harbour.reports.models import Report, ReportReceiver
from harbour.reports.roles import REPORT_READERS

MAX_TEXT = 5000


class ReportForm(forms.Form):
    work = forms.CharField(
        label=_("What work do you do, or did you do?"),
        help_text=_("For example: farm work, cleaning, a restaurant, care work, construction."),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    place = forms.CharField(
        label=_("Where is it? A town or area is enough."),
        help_text=_("You do not need to give an exact address."),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    promised = forms.CharField(
        label=_("What were you promised?"),
        help_text=_("Pay, hours, housing, papers: what you were told before you started."),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    now = forms.CharField(
        label=_("What is happening now?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    need = forms.CharField(
        label=_("What do you need?"),
        help_text=_("For example: to be paid, a safe place to stay, to talk to someone, information."),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the person"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class TriageForm(forms.ModelForm[Report]):
    class Meta:
        model = Report
        fields = ["status", "urgency", "assigned_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = cast(forms.ChoiceField, self.fields["status"])
        status.choices = [(value, label) for value, label in Report.Status.choices if value != Report.Status.CASE]
        assigned = cast(forms.ModelChoiceField[Member], self.fields["assigned_to"])
        assigned.queryset = Member.objects.filter(
            organisation_id=self.instance.organisation_id, is_active=True, role__in=REPORT_READERS
        )


class ReceiverSettingsForm(forms.ModelForm[ReportReceiver]):
    class Meta:
        model = ReportReceiver
        fields = ["accepts_reports", "sectors", "retention_days"]

    def clean_retention_days(self) -> int:
        days = int(self.cleaned_data["retention_days"])
        if not 7 <= days <= 365:
            raise forms.ValidationError(_("Choose between 7 and 365 days."))
        return days


class KeySetUpForm(forms.Form):
    password = forms.CharField(label=_("Your Harbour password"), widget=forms.PasswordInput)


class KeyRecoverForm(forms.Form):
    recovery_key = forms.CharField(label=_("Your recovery key"), max_length=80)
    password = forms.CharField(label=_("Your current Harbour password"), widget=forms.PasswordInput)
