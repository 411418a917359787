"""Forms of the statistics app: a coordinator's release definition and an organisation's upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.stats import vocabulary as v
from harbour.stats.models import FIRST_YEAR, LAST_YEAR
from harbour.stats.upload import MAX_BYTES

MIN_EPSILON = Decimal("0.01")
MAX_EPSILON = Decimal("10")


class ReleaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    year_from = forms.IntegerField(label=_("First year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    year_to = forms.IntegerField(label=_("Last year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    breakdowns = forms.MultipleChoiceField(
        label=_("Breakdowns"),
        choices=v.breakdown_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each breakdown is one table, with every category of its public list; the epsilon is shared between them."
        ),
    )
    epsilon = forms.DecimalField(
        label=_("Epsilon (privacy loss) for the whole release"),
        min_value=MIN_EPSILON,
        max_value=MAX_EPSILON,
        max_digits=6,
        decimal_places=3,
        help_text=_("Smaller is more private and noisier. It is spent from the budget of every year in the period."),
    )
    threshold = forms.IntegerField(
        label=_("Suppression threshold"),
        min_value=1,
        max_value=1000,
        help_text=_("Noisy counts below this are published as “fewer than” this number."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.now().year
        self.fields["year_from"].initial = year - 1
        self.fields["year_to"].initial = year - 1
        self.fields["threshold"].initial = settings.HARBOUR_STATS_THRESHOLD
        self.fields["epsilon"].initial = Decimal("0.5")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first is not None and last is not None and first > last:
            self.add_error("year_to", _("The last year cannot come before the first."))
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, one person per row, with the columns of the template. Nothing is imported if any row is wrong."
        ),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB. Split it into several files."),
                params={"megabytes": MAX_BYTES // 1_000_000},
            )
        return file
