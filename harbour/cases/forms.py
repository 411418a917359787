from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import Category, Consent

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
