"""Releases and the privacy-budget ledger: everything the public and researchers may read.

Nothing here is about a person: noisy counts, their scale and margin, and what each
release spent. The de-identified records they are computed from live apart, in
`harbour/stats/records.py`, which no public or research page imports
(`tests/test_layering.py` checks).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from harbour.stats import vocabulary as v

FIRST_YEAR = 2000
LAST_YEAR = 2100


class BudgetYear(models.Model):
    """The privacy budget (epsilon) of one year of data, fixed when the year is first drawn on.

    A release over several years spends its epsilon against each of them: every person
    belongs to one year of registration, so their privacy loss is bounded by that year's budget.
    """

    year = models.PositiveSmallIntegerField(unique=True)
    epsilon = models.DecimalField(max_digits=6, decimal_places=3)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.epsilon}"

    def spent(self) -> Decimal:
        total = self.entries.aggregate(total=Sum("epsilon"))["total"]
        return Decimal(total or 0)


class ReleaseQuerySet(models.QuerySet["Release"]):
    def published(self) -> ReleaseQuerySet:
        return self.filter(status=Release.Status.PUBLISHED).order_by("-published_at", "-pk")


class Release(models.Model):
    """A coordinator's definition of a release; once published, its numbers never change.

    Noise is drawn only when the release is published, never for a preview, so every draw
    that anyone could see is in the ledger.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=160)
    year_from = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    year_to = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    # Breakdown codes (vocabulary.BREAKDOWNS), in the order they are shown.
    breakdowns = models.JSONField(_("breakdowns"), default=list)
    epsilon = models.DecimalField(_("epsilon"), max_digits=6, decimal_places=3)
    threshold = models.PositiveSmallIntegerField(_("suppression threshold"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Written once, at publication: epsilon, delta, date, library and version, breakdowns,
    # threshold, and per table its scale and margin.
    manifest = models.JSONField(default=dict, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)

    def breakdown_labels(self) -> list[str]:
        return [str(v.BREAKDOWNS[code].label) for code in self.breakdowns if code in v.BREAKDOWNS]


class ReleaseTable(models.Model):
    """The counts of one breakdown in one published release, with their noise scale and margin."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="tables")
    position = models.PositiveSmallIntegerField()
    breakdown = models.CharField(max_length=32)
    epsilon = models.FloatField()
    sensitivity = models.PositiveSmallIntegerField()
    scale = models.FloatField()
    # At 95%: the noise added to each count is within plus or minus this, 19 times out of 20.
    margin = models.PositiveIntegerField()

    class Meta:
        ordering = ["release", "position"]
        constraints = [models.UniqueConstraint(fields=["release", "breakdown"], name="stats_one_table_per_breakdown")]

    def __str__(self) -> str:
        return f"{self.release_id} {self.breakdown}"

    @property
    def label(self) -> str:
        return str(v.BREAKDOWNS[self.breakdown].label)


class ReleaseCell(models.Model):
    """One published count: `count` is None when the noisy count fell below the threshold."""

    table = models.ForeignKey(ReleaseTable, on_delete=models.PROTECT, related_name="cells")
    position = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=32)
    count = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["table", "position"]

    def __str__(self) -> str:
        return f"{self.category}: {self.count}"

    @property
    def suppressed(self) -> bool:
        return self.count is None

    @property
    def label(self) -> str:
        return v.BREAKDOWNS[self.table.breakdown].category_label(self.category)


class LedgerEntry(models.Model):
    """What one published release spent from one year's budget. Public, and never changed."""

    budget = models.ForeignKey(BudgetYear, on_delete=models.PROTECT, related_name="entries")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="ledger_entries")
    epsilon = models.DecimalField(max_digits=6, decimal_places=3)

    class Meta:
        ordering = ["budget__year", "release_id"]
        constraints = [models.UniqueConstraint(fields=["budget", "release"], name="stats_one_entry_per_year")]

    def __str__(self) -> str:
        return f"{self.release_id}: {self.epsilon}"
