from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import Category, Consent, Need
from harbour.network.models import Organisation

_NO_NAME = _("Write only what the work needs. Do not write the person's name here.")


class CaseForm(forms.Form):
    summary = forms.CharField(
        label=_("Situation and needs"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_NO_NAME
    )


class ConsentForm(forms.Form):
    """The consent a person gives, as the worker records it with them. Nothing starts ticked."""

    language = forms.ChoiceField(label=_("Language the wording was read in"), choices=settings.LANGUAGES)
    means = forms.ChoiceField(label=_("How the person gave it"), choices=Consent.Means.choices)
    categories = forms.MultipleChoiceField(
        label=_("What the person agreed may be kept or shared"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expires_on = forms.DateField(
        label=_("Ends on (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agreed = forms.BooleanField(label=_("The person agreed, having heard the wording"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        means: forms.ChoiceField = self.fields["means"]  # type: ignore[assignment]
        means.choices = [choice for choice in Consent.Means.choices if choice[0] != Consent.Means.REPORT_THREAD]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("agreed"):
            self.add_error(
                "agreed", _("Record a consent only when the person has agreed. Tick the box once they have.")
            )
        if not cleaned.get("categories"):
            self.add_error("categories", _("Tick at least one kind of information the person agreed to."))
        return cleaned


class OpenCaseForm(ConsentForm):
    summary = forms.CharField(
        label=_("Situation and needs (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_NO_NAME,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if Category.CASE not in cleaned.get("categories", []):
            self.add_error("categories", _("A case is opened only when the person agrees to a case record."))
        return cleaned


def recipients_for(organisation_id: int) -> QuerySet[Organisation]:
    """Organisations a case can be referred to: vetted members of the network, never a state body."""
    return (
        Organisation.objects.filter(vetting_status=Organisation.Vetting.VETTED)
        .exclude(pk=organisation_id)
        .exclude(kind__in=Organisation.STATE_KINDS)
        .order_by("name")
    )


class ReferralForm(forms.Form):
    recipient: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    need = forms.ChoiceField(label=_("For which need"), choices=Need.choices)
    categories = forms.MultipleChoiceField(
        label=_("What goes with the referral"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the person's referral consent covers can go."),
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients_for(organisation_id)  # type: ignore[attr-defined]


class ReferralConsentForm(ConsentForm):
    recipient: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation it names"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients_for(organisation_id)  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you decline"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_NO_NAME)


class EmergencyAccessForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=16, help_text=_("For example HB-7K2QX9."))
    reason = forms.CharField(
        label=_("Why you need this case now"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The case's organisation reads this. Do not write the person's name."),
    )


class EraseForm(forms.Form):
    """The reference typed again: erasure cannot be undone."""

    reference = forms.CharField(label=_("Type the case's reference to confirm"), max_length=16)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_reference(self) -> str:
        typed = str(self.cleaned_data["reference"]).strip().upper()
        if typed != self.expected:
            raise forms.ValidationError(_("This is not the case's reference."))
        return typed
