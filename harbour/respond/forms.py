"""Forms of respond: a plan and its steps, the situation filter, and the call log."""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from harbour.core.reference import Province
from harbour.directory.models import Service
from harbour.network.models import Member, Organisation, WorkingGroup
from harbour.respond import languages, situations
from harbour.respond.models import Call

# Seven or more digits, however they are spaced or punctuated, read as a phone number;
# anything@anything.tld as an email address, also written with "at" and "dot".
PHONE_SHAPE = re.compile(r"(?:\+?\d[\s().\-/]*){7,}")
EMAIL_SHAPE = re.compile(
    r"[^\s@]+\s*(?:@|\(at\)|\[at\]|\sat\s)\s*[^\s@]+\s*(?:\.|\(dot\)|\[dot\]|\sdot\s)\s*[a-z]{2,}", re.IGNORECASE
)


def refuse_contact_details(value: str) -> None:
    """The call log holds nothing that reaches a caller: no phone number, no email address."""
    if PHONE_SHAPE.search(value):
        raise ValidationError(
            _("Leave out phone numbers: the call log must hold nothing that could reach the caller."),
            code="phone_number",
        )
    if EMAIL_SHAPE.search(value):
        raise ValidationError(
            _("Leave out email addresses: the call log must hold nothing that could reach the caller."),
            code="email_address",
        )


class PlanForm(forms.Form):
    working_group = forms.ModelChoiceField(label=_("Working group"), queryset=WorkingGroup.objects.none())
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Member.objects.none(),
        help_text=_("The person who keeps the plan current and is reminded when it needs a review."),
    )
    title = forms.CharField(label=_("Title in English"), max_length=200)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("A few words for the plan's history."),
    )

    def __init__(self, *args: Any, groups: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is None:
            del self.fields["working_group"]
        else:
            self.fields["working_group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


def _service_id(value: str) -> str:
    """A directory service's id, typed as itself or as the address of its page."""
    value = value.strip()
    if "/" not in value:
        return value
    parts = [part for part in urlsplit(value).path.split("/") if part]
    if "services" in parts and parts.index("services") + 1 < len(parts):
        return parts[parts.index("services") + 1]
    return value


class StepForm(forms.Form):
    who = forms.CharField(label=_("Whom to call, in English"), max_length=200)
    who_fr = forms.CharField(label=_("Whom to call, in French"), max_length=200, required=False)
    action = forms.CharField(
        label=_("What to do, in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_fr = forms.CharField(
        label=_("What to do, in French"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    hours = forms.CharField(
        label=_("Hours"), max_length=100, required=False, help_text=_("For example 24/7, or Mon–Fri 09:00–17:00.")
    )
    service = forms.CharField(
        label=_("Directory service"),
        max_length=300,
        required=False,
        help_text=_("Paste the address of the service's page in the directory, or leave empty."),
    )
    situations = forms.MultipleChoiceField(
        label=_("For these situations (none ticked: every situation)"),
        choices=situations.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_service(self) -> str:
        service_id = _service_id(self.cleaned_data.get("service") or "")
        if service_id and not Service.objects.filter(id=service_id).exists():
            raise ValidationError(_("There is no directory service at this address."))
        return service_id


class BaseStepFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    @staticmethod
    def _kept(form: forms.Form) -> bool:
        """A row the editor filled in and did not tick for deletion."""
        return form.has_changed() and not getattr(form, "cleaned_data", {}).get("DELETE", False)

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if not any(self._kept(form) for form in self.forms):
            raise ValidationError(_("A plan needs at least one step."))

    def steps(self) -> list[dict[str, Any]]:
        """The steps to keep, in the order their numbers give (ties in the order shown)."""
        kept = []
        for index, form in enumerate(self.forms):
            if not self._kept(form):
                continue
            order = form.cleaned_data.get("ORDER")
            kept.append((order if order is not None else 10_000 + index, index, form.cleaned_data))
        return [data for _order, _index, data in sorted(kept, key=lambda item: (item[0], item[1]))]


_StepFormSet = forms.formset_factory(
    StepForm, formset=BaseStepFormSet, extra=2, can_order=True, can_delete=True, max_num=40, absolute_max=40
)


def step_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> BaseStepFormSet:
    """A plan's steps as rows of a form, with two empty rows to add more."""
    return cast(BaseStepFormSet, _StepFormSet(data, prefix="steps", initial=initial))


class SituationForm(forms.Form):
    """The situation an operator or worker describes, one value per dimension, each optional."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in situations.DIMENSIONS:
            self.fields[dimension.code] = forms.ChoiceField(
                label=dimension.label,
                choices=[("", _("Any")), *dimension.values],
                required=False,
            )

    def chosen(self) -> set[str]:
        if not self.is_valid():
            return set()
        return {value for value in self.cleaned_data.values() if value}


class CallForm(forms.Form):
    """One call, as the log keeps it: no name, no number; the hour is taken from the clock."""

    province = forms.ChoiceField(
        label=_("Province or territory"), choices=[("", _("Not known")), *Province.choices], required=False
    )
    working_group = forms.ModelChoiceField(
        label=_("Region (working group)"),
        queryset=WorkingGroup.objects.order_by("province", "city"),
        required=False,
        empty_label=_("None or not known"),
    )
    language = forms.ChoiceField(label=_("Language of the call"), choices=languages.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=Call.Topic.choices)
    interpreter = forms.BooleanField(label=_("An interpreter was used"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Call.Outcome.choices)
    referral_made = forms.BooleanField(label=_("A referral was made"), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[refuse_contact_details],
        help_text=_("Optional. No names, phone numbers, email addresses or places: only what helps the work."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices read in the language of the request, not the one at import.
        self.fields["language"].choices = languages.choices()  # type: ignore[attr-defined]


class WarmReferralForm(forms.Form):
    """A warm referral made during the call: the caller's consent is read to them and recorded in cases."""

    recipient: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation to refer to"), queryset=Organisation.objects.none()
    )
    need = forms.ChoiceField(label=_("For which need"), choices=())
    summary = forms.CharField(
        label=_("Short summary for the organisation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("No name, no phone number, no address: the organisation asks the caller themselves."),
        validators=[refuse_contact_details],
    )
    language = forms.ChoiceField(label=_("Caller's language"), choices=())
    # Which words the console showed (`read_out_fingerprint`): the consent records only the wording read out.
    wording_shown = forms.CharField(widget=forms.HiddenInput, required=False)
    agreed = forms.BooleanField(
        label=_("The caller agreed, having heard the wording read to them"),
        required=True,
        error_messages={"required": _("Read the wording to the caller; refer only when they agree.")},
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        from django.conf import settings

        from harbour.cases.forms import recipients_for
        from harbour.cases.models import Need

        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients_for(organisation_id)  # type: ignore[attr-defined]
        self.fields["need"].choices = Need.choices  # type: ignore[attr-defined]
        self.fields["language"].choices = settings.LANGUAGES  # type: ignore[attr-defined]
        self.wording_not_shown = False
        if self.is_bound:
            language = str(self.data.get(self.add_prefix("language")) or "")
            expected = read_out_fingerprint(language)
            if self.data.get(self.add_prefix("wording_shown")) != expected:
                # Another language chosen than the one whose words were on the page, or the words changed:
                # show those words now, untick "agreed", keep everything else typed.
                self.wording_not_shown = True
                data: QueryDict | dict[str, Any] = (
                    self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
                )
                data[self.add_prefix("wording_shown")] = expected
                data.pop(self.add_prefix("agreed"), None)
                self.data = data
        else:
            self.initial = {**self.initial, "wording_shown": read_out_fingerprint(str(self.initial.get("language")))}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.wording_not_shown:
            raise ValidationError(
                _(
                    "The caller had not heard the wording in this language, or it has changed. "
                    "Read them the wording above, then tick that they agreed and send again."
                )
            )
        return cleaned


def read_out_fingerprint(language: str) -> str:
    """The language, versions and digests of the two wordings a warm referral reads out in `language`."""
    from harbour.cases.models import Consent
    from harbour.cases.wording import wording_in

    parts = []
    for purpose in (Consent.Purpose.OPEN_CASE, Consent.Purpose.REFER):
        wording, shown_in = wording_in(purpose, language)
        parts.append(f"{shown_in}:{wording.version}:{wording.digest}")
    return "|".join(parts)
