"""Forms of the network: sign-in, two-factor, invitations, organisations, vetting, announcements,
meetings, profiles and the recommendation tracker."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.core.reference import Province
from harbour.core.roles import Role
from harbour.network.models import (
    Announcement,
    Audience,
    Delivery,
    Meeting,
    MeetingReport,
    Member,
    Organisation,
    Recommendation,
    RecommendationStatus,
    WorkingGroup,
)


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words make a good password."),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(first, self.user_for_validation())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def user_for_validation(self) -> Any:
        return None


class InvitationAcceptForm(NewPasswordMixin):
    full_name = forms.CharField(label=_("Your name, as colleagues know you"), max_length=200)
    field_order = ["full_name", "password1", "password2"]


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "username"}))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, organisation: Organisation, coordinator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = organisation.roles_allowed()
        if not coordinator:
            allowed = [r for r in allowed if r != Role.COORDINATOR]
        self.fields["role"].choices = [(r, Role(r).label) for r in allowed]  # type: ignore[attr-defined]


def _https_by_default(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Web addresses typed without a scheme are taken as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class LanguagesField(forms.CharField):
    """Language codes typed as "en, fr, es", kept as a list."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value


class _LanguagesMixin(forms.ModelForm):  # type: ignore[type-arg]
    languages = LanguagesField(
        label=_("Languages served"),
        required=False,
        help_text=_("Language codes separated by commas, for example: en, fr, es, tl"),
    )

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        codes = [code.strip().lower() for code in str(raw).split(",") if code.strip()]
        for code in codes:
            if not code.replace("-", "").isalpha() or len(code) > 10:
                raise forms.ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
        return codes


class OrganisationForm(_LanguagesMixin):
    admin_email = forms.EmailField(label=_("Email of its first administrator"))

    class Meta:
        model = Organisation
        fields = ["name", "kind", "province", "city", "languages"]


class OrganisationProfileForm(_LanguagesMixin):
    class Meta:
        formfield_callback = _https_by_default
        model = Organisation
        fields = [
            "description",
            "areas_served",
            "languages",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


def _may_be_an_id(value: Any) -> bool:
    # A number too large for the database's integers (a 30-digit one) is refused before any query.
    return str(value).isdigit() and len(str(value)) <= 18


class _IdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _may_be_an_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class _IdMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            if not _may_be_an_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)  # type: ignore[misc]


class WorkingGroupForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = WorkingGroup
        fields = ["name", "city", "province", "organisations", "representative"]
        widgets = {"organisations": forms.CheckboxSelectMultiple}
        field_classes = {"organisations": _IdMultipleChoiceField, "representative": _IdChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.vetted()  # type: ignore[attr-defined]
        # The seeds keep the network to NGOs: a government or police liaison never represents a city.
        self.fields["representative"].queryset = (  # type: ignore[attr-defined]
            Member.objects.filter(is_active=True, organisation__vetting_status=Organisation.Vetting.VETTED)
            .exclude(role=Role.LIAISON)
            .exclude(organisation__kind__in=Organisation.STATE_KINDS)
            .select_related("organisation")
        )
        self.fields["representative"].label_from_instance = (  # type: ignore[attr-defined]
            lambda member: f"{member.full_name} ({member.organisation.name})"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        representative = cleaned.get("representative")
        organisations = cleaned.get("organisations")
        if (
            representative is not None
            and organisations is not None
            and representative.organisation not in organisations
        ):
            self.add_error("representative", _("The representative must work at one of the group's organisations."))
        return cleaned


class VettingForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=Organisation.Vetting.choices)
    note = forms.CharField(
        label=_("Note for other coordinators"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class _AddressedForm(forms.ModelForm):  # type: ignore[type-arg]
    """Whom an announcement or a meeting is for, as one explicit choice among what the author may address.

    One field, with nothing chosen at first: separate "audience", "group" and "province" fields let a
    coordinator pick a group while the audience stayed on the whole network, and send to everyone.
    """

    audiences: tuple[str, ...] = (Audience.WORKING_GROUP, Audience.PROVINCE, Audience.NETWORK)
    send_to = forms.ChoiceField(label=_("Send to"))
    send_to_label: Any = _("Send to")

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = WorkingGroup.objects.order_by("name")
        audiences = list(self.audiences)
        if not member.is_coordinator:
            groups = groups.filter(representative=member)
            audiences = [Audience.WORKING_GROUP]
        choices: list[Any] = [("", _("Choose who receives it"))]
        if Audience.NETWORK in audiences:
            choices.append((Audience.NETWORK.value, _("The whole network")))
        if Audience.PROVINCE in audiences:
            provinces = [(f"{Audience.PROVINCE}:{code}", label) for code, label in Province.choices]
            choices.append((_("One province or territory"), provinces))
        if Audience.WORKING_GROUP in audiences:
            group_choices = [(f"{Audience.WORKING_GROUP}:{group.pk}", group.name) for group in groups]
            choices.append((_("One working group"), group_choices))
        self.fields["send_to"].choices = choices  # type: ignore[attr-defined]
        self.fields["send_to"].label = self.send_to_label
        self._groups = {str(group.pk): group for group in groups}
        if self.instance.pk is not None:
            self.initial["send_to"] = self._send_to_value(self.instance)
        self.order_fields(["send_to"])

    @staticmethod
    def _send_to_value(addressed: Any) -> str:
        if addressed.audience == Audience.WORKING_GROUP:
            return f"{Audience.WORKING_GROUP}:{addressed.working_group_id}"
        if addressed.audience == Audience.PROVINCE:
            return f"{Audience.PROVINCE}:{addressed.province}"
        return str(Audience.NETWORK)

    def clean_send_to(self) -> str:
        """Puts the choice on the instance as its audience and its group or province."""
        value: str = self.cleaned_data["send_to"]
        audience, _sep, which = value.partition(":")
        self.instance.audience = audience
        self.instance.working_group = self._groups[which] if audience == Audience.WORKING_GROUP else None
        self.instance.province = which if audience == Audience.PROVINCE else ""
        self.cleaned_data.update(
            audience=audience, working_group=self.instance.working_group, province=self.instance.province
        )
        return value


class AnnouncementForm(_AddressedForm):
    class Meta:
        model = Announcement
        fields = ["open_to_liaisons", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How do you want to receive announcements and meeting reminders?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
    )


LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def _within_the_networks_years(moment: Any) -> None:
    # A mistyped year (9999) cannot be stored or turned into UTC; no meeting is that far away.
    if not 2000 <= moment.year <= 2100:
        raise forms.ValidationError(_("Give a year between 2000 and 2100."))


def _datetime_field(label: Any, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        validators=[_within_the_networks_years],
        input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
        help_text=_("Date and time, for example 2026-03-05 14:30"),
    )


class MeetingForm(_AddressedForm):
    audiences = (Audience.WORKING_GROUP, Audience.NETWORK)
    send_to_label = _("For")
    starts_at = _datetime_field(_("Starts at"), required=True)
    ends_at = _datetime_field(_("Ends at"), required=False)

    class Meta:
        formfield_callback = _https_by_default
        model = Meeting
        fields = [
            "open_to_liaisons",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "agenda",
            "minutes",
        ]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 6}), "minutes": forms.Textarea(attrs={"rows": 8})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("place") and not cleaned.get("online_link"):
            self.add_error("place", _("Give a place, an online link, or both."))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return cleaned


class MeetingReportForm(forms.Form):
    title = forms.CharField(label=_("Title of the report"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, OpenDocument, Word, Excel, text or CSV; 10 MB at most. Never attach a document about a person."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        if MeetingReport.kind_of(str(upload.name or ""), head) is None:
            raise forms.ValidationError(
                _(
                    "This kind of file cannot be attached, or its content does not match the ending of its name. "
                    "Use PDF, OpenDocument, Word, Excel, text or CSV."
                )
            )
        if upload.size > settings.HARBOUR_MEETING_REPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."), params={"size": settings.HARBOUR_MEETING_REPORT_MAX_MB}
            )
        return upload


class PartnerFilterForm(forms.Form):
    province = forms.ChoiceField(label=_("Province or territory"), required=False)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.CharField(
        label=_("Language served"), required=False, max_length=10, help_text=_("A language code, for example es")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All")), *Province.choices]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All")), *Organisation.Kind.choices]  # type: ignore[attr-defined]


NOT_ASSESSED = "none"


class RecommendationFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    level = forms.ChoiceField(label=_("Level of government"), required=False)
    status = forms.ChoiceField(label=_("Current status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("All")), *Recommendation.Theme.choices]  # type: ignore[attr-defined]
        self.fields["level"].choices = [("", _("All")), *Recommendation.Level.choices]  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *RecommendationStatus.Status.choices,
            (NOT_ASSESSED, _("Not assessed yet")),
        ]


class RecommendationStatusForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        formfield_callback = _https_by_default
        model = RecommendationStatus
        fields = ["status", "date", "evidence", "link"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evidence": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "date": _("When the evidence shows this status, for example 2026-03-05"),
            "evidence": _("Anyone can read this on the public tracker. Cite what was published; never a person."),
        }

    def clean_date(self) -> date:
        # The newest date is the current status: a mistyped future year would hide every later step.
        day: date = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The evidence cannot be dated in the future."))
        return day
