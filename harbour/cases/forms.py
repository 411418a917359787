from django import forms
from django.utils.translation import gettext_lazy as _


class CaseForm(forms.Form):
    summary = forms.CharField(
        label=_("Situation and needs"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write only what the work needs. Do not write the person's name here."),
    )
