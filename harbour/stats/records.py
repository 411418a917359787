"""De-identified statistics records: what the release engine counts, and nothing else reads.

Only the engine (`engine.py`), the contributions (`contributions.py`) and the upload
(`upload.py`) import this module; public and research pages never do
(`tests/test_layering.py` checks). Imported by `apps.StatsConfig.ready`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.stats import vocabulary as v
from harbour.stats.models import FIRST_YEAR, LAST_YEAR

FORM_FLAGS = ["is_forced_labour", "is_sexual_exploitation", "is_forced_marriage", "is_other_exploitation"]


def _country_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(v.citizenship_regions())]


class StatisticsRecord(models.Model):
    """One person, de-identified: codes from the public vocabularies, a year, nothing else.

    No names, no dates finer than a year, no free text: every text column holds a code from a
    fixed list (`tests/test_records.py` fails on any other kind of field).
    """

    class Source(models.TextChoices):
        CASE = "case", _("A case in Harbour")
        UPLOAD = "upload", _("An uploaded file")

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    organisation = models.ForeignKey("network.Organisation", on_delete=models.CASCADE, related_name="+")
    upload = models.ForeignKey("stats.Upload", on_delete=models.CASCADE, null=True, blank=True, related_name="records")
    # The cases app's key for one person across referrals (a keyed hash, never an identifier):
    # one record per person, however many organisations helped them.
    person_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    year_of_registration = models.PositiveSmallIntegerField(
        _("year of registration"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    gender = models.CharField(_("gender"), max_length=16, choices=v.Gender.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=v.AgeBand.choices)
    majority_at_exploitation = models.CharField(_("minor or adult"), max_length=8, choices=v.Majority.choices)
    citizenship = models.CharField(_("citizenship"), max_length=2, choices=_country_choices)
    # Derived from citizenship when the record is written, so releases count regions in SQL.
    citizenship_region = models.CharField(_("region of citizenship"), max_length=24, choices=v.Region.choices)
    province = models.CharField(_("province of exploitation"), max_length=8, choices=v.ProvinceOfExploitation.choices)
    is_forced_labour = models.BooleanField(_("forced labour"), default=False)
    is_sexual_exploitation = models.BooleanField(_("sexual exploitation"), default=False)
    is_forced_marriage = models.BooleanField(_("forced marriage"), default=False)
    is_other_exploitation = models.BooleanField(_("other exploitation"), default=False)
    sector = models.CharField(_("labour sector"), max_length=24, choices=v.Sector.choices)
    # Comma-separated MeansOfControl codes, checked against the list when written.
    means_of_control = models.CharField(_("means of control"), max_length=400, blank=True)
    recruiter_relationship = models.CharField(
        _("recruiter relationship"), max_length=24, choices=v.RecruiterRelationship.choices
    )
    entry = models.CharField(_("entry to Canada"), max_length=24, choices=v.Entry.choices)

    class Meta:
        # One covering index per breakdown, so each of a release's GROUP BY queries reads a narrow index
        # instead of the table (SQLite: 1,000,000 records in about 0.2 s a breakdown instead of 1 s).
        # Records are written in batches and rarely; the extra writes are the cheaper side.
        indexes = [
            models.Index(fields=["year_of_registration", *FORM_FLAGS], name="stats_record_year_forms"),
            *(
                models.Index(fields=[column, "year_of_registration"], name=f"stats_record_{name}")
                for column, name in (
                    ("province", "province"),
                    ("gender", "gender"),
                    ("age_band", "age_band"),
                    ("sector", "sector"),
                    ("citizenship_region", "region"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_of_registration} {self.source}"


class Upload(models.Model):
    """One CSV file an organisation uploaded: its records stand or fall together."""

    organisation = models.ForeignKey("network.Organisation", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.row_count} rows"
