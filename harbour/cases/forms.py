from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeGuard, TypeVar

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import AgeGroup, Case, Category, Consent, Exploitation, Gender, Milestone, Need, Sector
from harbour.cases.wording import public_languages, shown_fields, wording_in
from harbour.core.reference import LANGUAGES, Province
from harbour.core.roles import PERSON_DATA_ROLES
from harbour.directory.models import Service
from harbour.network.models import Member, Organisation

_NO_NAME = _("Write only what the work needs. Do not write the person's name here.")


# A year of birth before this is a typing mistake.
EARLIEST_BIRTH_YEAR = 1900


def _age_bounds(age_group: str) -> tuple[int, int] | None:
    """The ages an age group's code covers ("18-24", "60+"), or None for "not said"."""
    low, _dash, high = age_group.rstrip("+").partition("-")
    if not low.isdigit():
        return None
    return int(low), int(high) if high.isdigit() else 200


def alias_field(label: Any) -> forms.CharField:
    """The person's alias, on the profile and when a case opens: never a legal name."""
    return forms.CharField(
        label=label,
        max_length=200,
        required=False,
        help_text=_("The name the person chooses to be called by here, never their legal name."),
    )


class CaseForm(forms.Form):
    """The case's profile as a worker changes it: no legal name; what could identify the person is encrypted."""

    alias = alias_field(_("Alias"))
    contact = forms.CharField(
        label=_("Contact details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A safe way to reach the person, and when. Kept encrypted."),
    )
    birth_year = forms.CharField(
        label=_("Year of birth"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
        help_text=_("Four digits, or leave empty and choose an age group."),
    )
    # Not required: left out, they are "not said".
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN, required=False
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages the person speaks"),
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country_of_origin = forms.CharField(
        label=_("Country of origin"),
        max_length=2,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 2}),
        help_text=_("Its two-letter code, for example MX for Mexico or PH for the Philippines."),
    )
    province = forms.ChoiceField(
        label=_("Province or territory"), choices=[("", _("Not said")), *Province.choices], required=False
    )
    exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=Exploitation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("Not said")), *Sector.choices], required=False)
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    safety_plan = forms.CharField(
        label=_("Safety plan"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_NO_NAME,
    )
    summary = forms.CharField(
        label=_("Situation and needs"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_NO_NAME
    )

    remove = forms.MultipleChoiceField(
        label=_("Remove from the case what the person's consent no longer covers"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        offered: frozenset[str] | None = None,
        removable: Sequence[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`offered`: the fields a consent in force to keep them covers (`consent.fields_covered`); None: all.

        `removable`: the categories (code, label) the case holds something of that no consent covers now;
        the worker can empty them, never change them.
        """
        super().__init__(*args, **kwargs)
        if offered is not None:
            for name in set(self.fields) - offered - {"remove"}:
                del self.fields[name]
        remove: forms.MultipleChoiceField = self.fields["remove"]  # type: ignore[assignment]
        if removable:
            remove.choices = removable
        else:
            del self.fields["remove"]
        # A sector recorded before the list (by a referral or an import) stays a choice, so saving keeps it.
        current = str(self.initial.get("sector") or "")
        if current and current not in Sector.values and "sector" in self.fields:
            sector: forms.ChoiceField = self.fields["sector"]  # type: ignore[assignment]
            sector.choices = [("", _("Not said")), *Sector.choices, (current, current)]

    def clean_birth_year(self) -> int | None:
        typed = str(self.cleaned_data.get("birth_year") or "").strip()
        if not typed:
            return None
        this_year = timezone.localdate().year
        if not (typed.isascii() and typed.isdigit()) or not EARLIEST_BIRTH_YEAR <= int(typed) <= this_year:
            raise forms.ValidationError(
                _("Write the year of birth as four digits, from %(earliest)s to %(latest)s, or leave it empty."),
                params={"earliest": EARLIEST_BIRTH_YEAR, "latest": this_year},
            )
        return int(typed)

    def clean_country_of_origin(self) -> str:
        typed = str(self.cleaned_data.get("country_of_origin") or "").strip().upper()
        if typed and not (len(typed) == 2 and typed.isascii() and typed.isalpha()):
            raise forms.ValidationError(
                _("Write the country as its two-letter code, for example MX, or leave it empty.")
            )
        return typed

    def clean_age_group(self) -> str:
        return str(self.cleaned_data.get("age_group") or AgeGroup.UNKNOWN)

    def clean_gender(self) -> str:
        return str(self.cleaned_data.get("gender") or Gender.UNKNOWN)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        birth_year, bounds = cleaned.get("birth_year"), _age_bounds(str(cleaned.get("age_group") or ""))
        if birth_year is not None and bounds is not None:
            # Without the birthday, the person is this year's difference in age or one year younger.
            age = timezone.localdate().year - birth_year
            low, high = bounds
            if age < low or age - 1 > high:
                self.add_error(
                    "age_group",
                    _("This age group does not fit the year of birth. Correct one of them, or leave one unsaid."),
                )
        return cleaned


def language_to_show(value: object, default: str) -> str:
    """The public language asked for to show the wording in (the page's "show in this language"), else `default`."""
    return value if isinstance(value, str) and value in public_languages() else default


class ConsentForm(forms.Form):
    """The consent a person gives, as the worker records it with them. Nothing starts ticked.

    The page shows the wording in one language (`shown`: chosen with the form's own
    "show the wording in this language" button, `in_another_language`) and the form
    carries that language, version and the text's digest back. A post whose wording
    is not the one shown now (another language, an old version, a changed text) is
    refused: the page then shows the wording of the language posted, unticks
    "agreed", and keeps everything else that was typed.
    """

    purpose: str = Consent.Purpose.OPEN_CASE

    language = forms.ChoiceField(
        label=_("Language the wording was read in"), choices=settings.LANGUAGES, widget=forms.HiddenInput
    )
    wording_version = forms.CharField(widget=forms.HiddenInput, required=False)
    wording_shown = forms.CharField(widget=forms.HiddenInput, required=False)
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

    def __init__(self, *args: Any, purpose: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.purpose = purpose or self.purpose
        means: forms.ChoiceField = self.fields["means"]  # type: ignore[assignment]
        means.choices = [choice for choice in Consent.Means.choices if choice[0] != Consent.Means.REPORT_THREAD]
        self.wording_not_shown = False
        if self.is_bound:
            asked = language_to_show(self.data.get("language"), "en")
            self.shown, self.shown_in = wording_in(self.purpose, asked)
            posted = (self.data.get("language"), self.data.get("wording_version"), self.data.get("wording_shown"))
            if posted != (self.shown_in, self.shown.version, self.shown.digest):
                # Not what the page showed: show this wording now, and ask again.
                self.wording_not_shown = True
                data = QueryDict(mutable=True)
                for name in self.data:
                    values = self.data.getlist(name) if isinstance(self.data, QueryDict) else self.data[name]
                    data.setlist(name, values if isinstance(values, list) else [values])
                for name, value in shown_fields(self.purpose, asked).items():
                    data[name] = value
                data.pop("agreed", None)
                self.data = data
        else:
            asked = language_to_show(self.initial.get("language"), "en")
            self.shown, self.shown_in = wording_in(self.purpose, asked)
            self.initial = {**self.initial, **shown_fields(self.purpose, asked)}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.wording_not_shown:
            raise forms.ValidationError(
                _(
                    "The person had not been shown the wording in this language, or it has changed. "
                    "Read them the wording below, then tick that they agreed and record it again."
                )
            )
        if not cleaned.get("agreed"):
            self.add_error(
                "agreed", _("Record a consent only when the person has agreed. Tick the box once they have.")
            )
        if not cleaned.get("categories"):
            self.add_error("categories", _("Tick at least one kind of information the person agreed to."))
        return cleaned


ConsentFormT = TypeVar("ConsentFormT", bound=ConsentForm)

# What a consent form carries for the wording shown, and the person's "agreed": never kept across a change of language.
_NOT_KEPT_ACROSS_LANGUAGES = frozenset({"agreed", "language", "wording_version", "wording_shown"})


def in_another_language(form_class: type[ConsentFormT], data: QueryDict, **kwargs: Any) -> ConsentFormT:
    """The consent form shown again with the wording in the language picked, keeping what was typed.

    "Show the wording in this language" is a second button of the consent form
    itself (`stage=language`, the language in `show_language`), so nothing typed is
    lost. The form comes back unbound, with no error, and "agreed" unticked when the
    wording changes: the person has not heard this text yet. The same wording asked
    for again (the Enter key in a field presses this first button) keeps "agreed".
    """
    blank = form_class(**kwargs)
    kept: dict[str, Any] = {
        name: field.widget.value_from_datadict(data, {}, blank.add_prefix(name))
        for name, field in blank.fields.items()
        if name not in _NOT_KEPT_ACROSS_LANGUAGES
    }
    shown_before = language_to_show(data.get("language"), "en")
    asked = language_to_show(data.get("show_language"), shown_before)
    carried = {name: data.get(name) for name in ("language", "wording_version", "wording_shown")}
    if carried == shown_fields(blank.purpose, asked):
        kept["agreed"] = blank.fields["agreed"].widget.value_from_datadict(data, {}, blank.add_prefix("agreed"))
    kept["language"] = asked
    return form_class(initial=kept, **kwargs)


class OpenCaseForm(ConsentForm):
    alias = alias_field(_("Alias (optional)"))
    summary = forms.CharField(
        label=_("Situation and needs (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_NO_NAME,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        categories = cleaned.get("categories", [])
        if Category.CASE not in categories:
            self.add_error("categories", _("A case is opened only when the person agrees to a case record."))
        if str(cleaned.get("alias") or "").strip() and Category.CONTACT not in categories:
            self.add_error(
                "alias",
                _(
                    "An alias is kept only when the person agrees to keep their alias: "
                    "tick it above, or leave this empty."
                ),
            )
        return cleaned


def recipients_for(organisation_id: int) -> QuerySet[Organisation]:
    """Organisations a case can be referred to: vetted members of the network, never a state body."""
    return (
        Organisation.objects.filter(vetting_status=Organisation.Vetting.VETTED)
        .exclude(pk=organisation_id)
        .exclude(kind__in=Organisation.STATE_KINDS)
        .order_by("name")
    )


def directory_listings(
    organisation_id: int, *, also: QuerySet[Organisation] | None = None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The directory's active services of organisations a case can be referred to (or in `also`), by listing."""
    organisations = recipients_for(organisation_id)
    if also is not None:
        organisations = organisations | also
    services = (
        Service.objects.active()
        .filter(organization__network_organisation__in=organisations)
        .select_related("organization")
        .only("id", "name", "organization__name", "organization__network_organisation_id")
        .order_by("organization__name", "name", "id")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for service in services:
        groups.setdefault(service.organization.name, []).append((service.id, service.name))
    return list(groups.items())


def _an_id(value: object, *, digits: bool) -> TypeGuard[str]:
    """Whether a posted value can be a record's id (numbers: ASCII digits; a service: printable, not too long)."""
    if not isinstance(value, str) or not value or len(value) > 100 or not value.isprintable():
        return False
    return value.isascii() and value.isdigit() if digits else True


class ReferralForm(forms.Form):
    """The receiving organisation comes from the member list or from a service in the directory."""

    recipient: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    listing = forms.ChoiceField(
        label=_("Or a service in the directory"),
        required=False,
        help_text=_("Services of organisations in the network; the referral goes to the organisation."),
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
        recipients = recipients_for(organisation_id)
        # Chosen when the page was loaded, no longer a recipient now (suspended, left the network): kept as
        # chosen, from the member list or the directory, so the page can say why it cannot go rather than
        # "select a valid choice".
        once_members = Organisation.objects.filter(
            vetting_status__in=(Organisation.Vetting.VETTED, Organisation.Vetting.SUSPENDED)
        ).exclude(kind__in=Organisation.STATE_KINDS)
        offered = recipients
        posted = self.data.get("recipient") if self.is_bound else None
        if _an_id(posted, digits=True) and not recipients.filter(pk=posted).exists():
            # Its own organisation too, so clean() can say a case is not referred to its own.
            offered = (recipients | once_members.filter(pk=posted)).order_by("name")
        self.fields["recipient"].queryset = offered  # type: ignore[attr-defined]
        also = None
        posted_listing = self.data.get("listing") if self.is_bound else None
        if _an_id(posted_listing, digits=False):
            # Its own organisation's too (not a state body), so clean() can say a case is not referred to its own.
            also = (once_members | Organisation.objects.filter(pk=organisation_id)).filter(
                directory_organizations__services__id=posted_listing
            )
        listing: forms.ChoiceField = self.fields["listing"]  # type: ignore[assignment]
        listing.choices = [("", "---------"), *directory_listings(organisation_id, also=also)]
        self._recipients = recipients
        self._organisation_id = organisation_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen: Organisation | None = cleaned.get("recipient")
        if chosen is not None and not self._recipients.filter(pk=chosen.pk).exists():
            if chosen.pk == self._organisation_id:
                message = _("A case is referred to another organisation, not to its own.")
            else:
                message = _("This organisation is not, or no longer, a vetted member of the network.")
            self.add_error("recipient", message)
            return cleaned
        service_id = cleaned.get("listing")
        if service_id:
            listed = self._recipients.filter(directory_organizations__services__id=service_id).first()
            own = Organisation.objects.filter(
                pk=self._organisation_id, directory_organizations__services__id=service_id
            )
            if listed is None and own.exists():
                self.add_error("listing", _("A case is referred to another organisation, not to its own."))
            elif listed is None:
                self.add_error("listing", _("This organisation is not, or no longer, a vetted member of the network."))
            elif chosen is not None and chosen.pk != listed.pk:
                self.add_error("listing", _("The organisation and the directory's service differ: choose one of them."))
            else:
                cleaned["recipient"] = listed
        elif chosen is None and not self.has_error("recipient") and not self.has_error("listing"):
            self.add_error(
                "recipient", _("Choose the organisation, from the member list or from a service in the directory.")
            )
        return cleaned


class ReferralConsentForm(ConsentForm):
    purpose: str = Consent.Purpose.REFER

    recipient: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation it names"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients_for(organisation_id)  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you decline"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_NO_NAME)


# --- the case page's next steps -----------------------------------------------------------

# Dates a worker may type: anything else is a typing mistake (and 0001-01-01 minus a renewal lead overflows).
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# Steps of the protection path that end: a permit or coverage, renewed before it expires.
EXPIRING_STEPS = frozenset({Milestone.Kind.TRP_ISSUED, Milestone.Kind.WORK_PERMIT, Milestone.Kind.IFH})


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _sensible_date(value: date | None) -> date | None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
    return value


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_NO_NAME,
        error_messages={"required": _("Write the note before saving it.")},
    )


def task_owners(organisation_id: int) -> QuerySet[Member]:
    """Who may own a case's task: active members of its organisation who work with cases."""
    return Member.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=sorted(PERSON_DATA_ROLES)
    ).order_by("full_name", "pk")


class _OwnerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.full_name} ({obj.get_role_display()})"


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("What to do"),
        max_length=500,
        help_text=_NO_NAME,
        error_messages={"required": _("Say what is to be done.")},
    )
    due_on = forms.DateField(label=_("Due on"), widget=_DateInput())
    owner = _OwnerField(label=_("Who does it"), queryset=Member.objects.none())

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = task_owners(organisation_id)  # type: ignore[attr-defined]

    def clean_due_on(self) -> date | None:
        return _sensible_date(self.cleaned_data.get("due_on"))


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=Milestone.Kind.choices)
    happened_on = forms.DateField(label=_("Date (applied, issued or started)"), widget=_DateInput())
    expires_on = forms.DateField(
        label=_("Expires on (permits and coverage)"),
        required=False,
        widget=_DateInput(),
        help_text=_("The renewal shows on your organisation's home page 90 days before this date."),
    )

    def clean_happened_on(self) -> date | None:
        return _sensible_date(self.cleaned_data.get("happened_on"))

    def clean_expires_on(self) -> date | None:
        return _sensible_date(self.cleaned_data.get("expires_on"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, happened_on, expires_on = cleaned.get("kind"), cleaned.get("happened_on"), cleaned.get("expires_on")
        if expires_on is not None and kind and kind not in EXPIRING_STEPS:
            self.add_error("expires_on", _("This step has no expiry date: leave it empty."))
        elif expires_on is not None and happened_on is not None and expires_on < happened_on:
            self.add_error("expires_on", _("The expiry date comes after the date it was issued."))
        return cleaned


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why the case closes"), choices=Case.Closure.choices, widget=forms.RadioSelect)


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
