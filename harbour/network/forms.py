"""Forms of the network: sign-in, two-factor, invitations, organisations, vetting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from harbour.core.roles import Role
from harbour.network.models import Member, Organisation, WorkingGroup


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


class OrganisationForm(forms.ModelForm):  # type: ignore[type-arg]
    languages = forms.CharField(
        label=_("Languages served"),
        required=False,
        help_text=_("Language codes separated by commas, for example: en, fr, es, tl"),
    )
    admin_email = forms.EmailField(label=_("Email of its first administrator"))

    class Meta:
        model = Organisation
        fields = ["name", "kind", "province", "city", "languages"]

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        codes = [code.strip().lower() for code in str(raw).split(",") if code.strip()]
        for code in codes:
            if not code.replace("-", "").isalpha() or len(code) > 10:
                raise forms.ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
        return codes


class WorkingGroupForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = WorkingGroup
        fields = ["name", "city", "province", "organisations", "representative"]
        widgets = {"organisations": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.vetted()  # type: ignore[attr-defined]
        self.fields["representative"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
            is_active=True, organisation__vetting_status=Organisation.Vetting.VETTED
        ).select_related("organisation")
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
