"""The public category lists of the statistics, in the CTDC / HTCDS vocabulary.

Every list is public and fixed in advance: a release reports every category of
every list it breaks down by, zeros included, so which categories appear says
nothing about who is in the data. Each list names the CTDC field it matches
(sources in `data/SOURCES.md`). "unknown" is a category like any other.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from harbour.core.reference import Province

DATA = Path(__file__).parent / "data"
UNKNOWN = "unknown"
UNKNOWN_COUNTRY = "ZZ"


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman or girl")
    MALE = "male", _("Man or boy")
    GENDER_DIVERSE = "gender_diverse", _("Transgender or gender-diverse")
    UNKNOWN = UNKNOWN, _("Not known")


class AgeBand(models.TextChoices):
    # CTDC's ageBroad bands, as the codebook writes them.
    A0_8 = "0-8", _("0 to 8")
    A9_17 = "9-17", _("9 to 17")
    A18_20 = "18-20", _("18 to 20")
    A21_23 = "21-23", _("21 to 23")
    A24_26 = "24-26", _("24 to 26")
    A27_29 = "27-29", _("27 to 29")
    A30_38 = "30-38", _("30 to 38")
    A39_47 = "39-47", _("39 to 47")
    A48 = "48+", _("48 and older")
    UNKNOWN = UNKNOWN, _("Not known")


class Majority(models.TextChoices):
    MINOR = "minor", _("Minor when exploited")
    ADULT = "adult", _("Adult when exploited")
    UNKNOWN = UNKNOWN, _("Not known")


class Region(models.TextChoices):
    CANADA = "canada", _("Canada")
    NORTHERN_AMERICA = "northern_america", _("Northern America (not Canada)")
    LATIN_AMERICA = "latin_america_caribbean", _("Latin America and the Caribbean")
    EUROPE = "europe", _("Europe")
    AFRICA = "africa", _("Africa")
    ASIA = "asia", _("Asia")
    OCEANIA = "oceania", _("Oceania")
    OTHER = "other", _("Other territories")
    UNKNOWN = UNKNOWN, _("Not known")


class ProvinceOfExploitation(models.TextChoices):
    AB = "AB", Province.AB.label
    BC = "BC", Province.BC.label
    MB = "MB", Province.MB.label
    NB = "NB", Province.NB.label
    NL = "NL", Province.NL.label
    NS = "NS", Province.NS.label
    NT = "NT", Province.NT.label
    NU = "NU", Province.NU.label
    ON = "ON", Province.ON.label
    PE = "PE", Province.PE.label
    QC = "QC", Province.QC.label
    SK = "SK", Province.SK.label
    YT = "YT", Province.YT.label
    OUTSIDE = "outside", _("Outside Canada")
    UNKNOWN = UNKNOWN, _("Not known")


class Form(models.TextChoices):
    """Forms of exploitation: a person may have lived several (CTDC's is* flags)."""

    LABOUR = "labour", _("Forced labour")
    SEXUAL = "sexual", _("Sexual exploitation")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    OTHER = "other", _("Other exploitation")


class Sector(models.TextChoices):
    # CTDC's typeOfLabour* values.
    AGRICULTURE = "agriculture", _("Agriculture")
    AQUAFARMING = "aquafarming", _("Fishing and aquafarming")
    BEGGING = "begging", _("Begging")
    CONSTRUCTION = "construction", _("Construction")
    DOMESTIC_WORK = "domestic_work", _("Domestic work")
    HOSPITALITY = "hospitality", _("Hospitality")
    ILLICIT = "illicit_activities", _("Illicit activities")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MINING = "mining_drilling", _("Mining or drilling")
    PEDDLING = "peddling", _("Peddling")
    TRANSPORTATION = "transportation", _("Transportation")
    OTHER = "other", _("Other sector")
    NOT_LABOUR = "not_labour", _("No labour exploitation")
    UNKNOWN = UNKNOWN, _("Not known")


class MeansOfControl(models.TextChoices):
    # CTDC's meansOfControl* values.
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCES = "restricts_financial_access", _("Restricts access to money")
    THREATS = "threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    FALSE_PROMISES = "false_promises", _("False promises")
    SUBSTANCES = "psychoactive_substances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "restricts_movement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Restricts medical care")
    EXCESSIVE_HOURS = "excessive_working_hours", _("Excessive working hours")
    USES_CHILDREN = "uses_children", _("Uses children")
    LAW_ENFORCEMENT_THREAT = "threat_of_law_enforcement", _("Threat of police or immigration")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds documents")
    OTHER = "other", _("Other means")


class RecruiterRelationship(models.TextChoices):
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    FRIEND = "friend", _("Friend")
    FAMILY = "family", _("Family member")
    EMPLOYER = "employer", _("Employer or recruiter")
    OTHER = "other", _("Other relationship")
    UNKNOWN = UNKNOWN, _("Not known")


class Entry(models.TextChoices):
    """How the person entered Canada (Harbour's addition to the CTDC fields)."""

    NOT_MIGRANT = "not_migrant", _("Did not migrate to Canada")
    TEMPORARY_WORKER = "temporary_worker", _("Temporary foreign worker")
    STUDENT = "student", _("International student")
    VISITOR = "visitor", _("Visitor")
    REFUGEE_CLAIMANT = "refugee_claimant", _("Refugee claimant")
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    WITHOUT_STATUS = "without_status", _("Entered without status")
    OTHER = "other", _("Other way")
    UNKNOWN = UNKNOWN, _("Not known")


@cache
def citizenship_regions() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> region code (data/citizenship_regions.csv), with ZZ for unknown."""
    with (DATA / "citizenship_regions.csv").open(newline="", encoding="utf-8") as handle:
        regions = {row["code"]: row["region"] for row in csv.DictReader(handle)}
    regions[UNKNOWN_COUNTRY] = Region.UNKNOWN
    return regions


def region_of(country: str) -> str:
    return citizenship_regions()[country]


@dataclass(frozen=True)
class Breakdown:
    """A dimension a release can count by: its public category list and the record column(s) it reads.

    `sensitivity` is how many counts of the table one person can change by one: 1 for a
    dimension with one value per person; the number of categories for forms of exploitation,
    where one person may count in each.
    """

    code: str
    label: Promise
    ctdc_field: str
    categories: tuple[tuple[str, str | Promise], ...]
    column: str
    multi: bool = False

    @property
    def sensitivity(self) -> int:
        return len(self.categories) if self.multi else 1

    def categories_for(self, year_from: int, year_to: int) -> tuple[tuple[str, str | Promise], ...]:
        """The public list for a release over these years: the years themselves, for the year breakdown."""
        if self.code == "year":
            return tuple((str(year), str(year)) for year in range(year_from, year_to + 1))
        return self.categories

    def category_label(self, code: str) -> str:
        return str(dict(self.categories).get(code, code))


def _choices(choices: type[models.TextChoices]) -> tuple[tuple[str, str | Promise], ...]:
    return tuple((str(value), label) for value, label in choices.choices)


# Form codes -> the boolean column that holds each.
FORM_COLUMNS: dict[str, str] = {
    Form.LABOUR: "is_forced_labour",
    Form.SEXUAL: "is_sexual_exploitation",
    Form.FORCED_MARRIAGE: "is_forced_marriage",
    Form.OTHER: "is_other_exploitation",
}


BREAKDOWNS: dict[str, Breakdown] = {
    breakdown.code: breakdown
    for breakdown in (
        Breakdown("year", _("Year of registration"), "yearOfRegistration", (), "year_of_registration"),
        Breakdown("province", _("Province of exploitation"), "CountryOfExploitation",
                  _choices(ProvinceOfExploitation), "province"),
        Breakdown("gender", _("Gender"), "gender", _choices(Gender), "gender"),
        Breakdown("age_band", _("Age band"), "ageBroad", _choices(AgeBand), "age_band"),
        Breakdown("form", _("Form of exploitation"), "isForcedLabour, isSexualExploit, ...", _choices(Form), "",
                  multi=True),
        Breakdown("sector", _("Labour sector"), "typeOfLabour", _choices(Sector), "sector"),
        Breakdown("citizenship_region", _("Region of citizenship"), "citizenship", _choices(Region),
                  "citizenship_region"),
    )
}  # fmt: skip


def breakdown_choices() -> list[tuple[str, Promise]]:
    return [(code, breakdown.label) for code, breakdown in BREAKDOWNS.items()]
