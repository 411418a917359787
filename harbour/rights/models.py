"""Fact sheets and their versions in many languages, help packages by city, the resource library and the course.

Help packages and course modules are versioned too (`ContentVersion`), through the same draft, review and
publish steps; their published version is copied to `PackageEntry` rows and `CourseModule.content`.

A fact sheet's text lives in versions (`SheetText`), one row per edit and per
language. Visitors only ever see the one published version of a language.
A translation remembers a fingerprint of the source text it was made from:
when the published source changes, every translation made from the older text
reads as out of date, with nothing to remember to update.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.core.reference import Province
from harbour.core.roles import NEVER_PERSON_DATA_ROLES


class Topic(models.TextChoices):
    EMPLOYMENT = "employment", _("Work and pay")
    IMMIGRATION = "immigration", _("Immigration status")
    HEALTH = "health", _("Health care")
    PRIVACY = "privacy", _("Your information")
    EMERGENCY = "emergency", _("Emergencies")
    CHILDREN = "children", _("Children")


class FactSheet(models.Model):
    slug = models.SlugField(_("address"), unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    # Province and territory codes the sheet applies to; empty means all of Canada.
    provinces = models.JSONField(_("provinces and territories"), default=list, blank=True)
    source_language = models.CharField(_("language of the original"), max_length=10, default="en")
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.slug

    def province_names(self) -> list[str]:
        return [str(Province(code).label) for code in self.provinces]

    def published(self, language: str) -> SheetText | None:
        return self.texts.filter(language=language, state=SheetText.State.PUBLISHED).first()

    def published_source(self) -> SheetText | None:
        return self.published(self.source_language)

    def published_languages(self) -> list[str]:
        return list(
            self.texts.filter(state=SheetText.State.PUBLISHED).order_by("language").values_list("language", flat=True)
        )


def fingerprint(title: str, summary: str, body: str) -> str:
    """What a translation was made from: any change to the words of the original changes it."""
    return hashlib.sha256("\x1f".join([title, summary, body]).encode("utf-8")).hexdigest()


class SheetText(models.Model):
    """One version of a fact sheet in one language."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Replaced by a newer version")

    class Quality(models.TextChoices):
        """How far a visitor can trust a translation (the original is always `original`)."""

        ORIGINAL = "original", _("Original text")
        MACHINE_ASSISTED = "machine_assisted", _("Draft translation (machine-assisted)")
        DRAFT = "draft", _("Draft translation")
        REVIEWED = "reviewed", _("Reviewed translation")

    # What a visitor is told; OUT_OF_DATE is derived, never stored.
    OUT_OF_DATE = "out_of_date"

    fact_sheet = models.ForeignKey(FactSheet, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    quality = models.CharField(_("translation status"), max_length=20, choices=Quality.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"))
    # [{"title", "publisher", "url", "date"}]: where each fact comes from, and when the source was read.
    sources = models.JSONField(_("sources"), default=list, blank=True)
    # The original's fingerprint when this translation was made (empty for the original).
    source_fingerprint = models.CharField(max_length=64, blank=True)
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    reviewer = models.CharField(_("reviewed by"), max_length=200, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["fact_sheet", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fact_sheet", "language", "number"], name="rights_text_one_number"),
            models.UniqueConstraint(
                fields=["fact_sheet", "language"],
                condition=Q(state="published"),
                name="rights_text_one_published_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fact_sheet.slug} [{self.language}] v{self.number}"

    @property
    def is_original(self) -> bool:
        return self.language == self.fact_sheet.source_language

    def fingerprint(self) -> str:
        return fingerprint(self.title, self.summary, self.body)

    def status(self, source: SheetText | None = None) -> str:
        """What a visitor is told about this text: its quality, or out of date when the original changed since."""
        if self.is_original:
            return self.Quality.ORIGINAL
        source = source or self.fact_sheet.published_source()
        if source is not None and source.fingerprint() != self.source_fingerprint:
            return self.OUT_OF_DATE
        return self.quality


class Package(models.Model):
    """Places to go for help in one city: hotlines, numbers, and links into the directory."""

    slug = models.SlugField(unique=True)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    # A central postal area (forward sortation area, e.g. "M5V"): the directory searches around it.
    postcode = models.CharField(max_length=7, blank=True)

    class Meta:
        ordering = ["city"]

    def __str__(self) -> str:
        return self.city

    def entries_content(self) -> dict[str, Any]:
        """The entries visitors read today, as a `ContentVersion` holds them."""
        return {
            "entries": [
                {"kind": e.kind, "name": e.name, "phone": e.phone, "website": e.website, "note": e.note_key}
                for e in self.entries.all()
            ]
        }


class PackageEntry(models.Model):
    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        HOTLINE = "hotline", _("Hotline")
        WORK = "work", _("Work and pay")
        HEALTH = "health", _("Health")
        CHILDREN = "children", _("Children and youth")
        COMMUNITY = "community", _("Community services")

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    # Messages are gettext strings chosen from a short list in the data file (so they are translated).
    note_key = models.CharField(max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def tel(self) -> str:
        return "".join(character for character in self.phone if character.isdigit())


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResourceQuerySet(models.QuerySet["Resource"]):
    def published(self) -> ResourceQuerySet:
        # A story without the teller's recorded permission is never shown, whatever its flags say.
        without_permission = Q(permission_recorded_at__isnull=True) | Q(permission_wording="")
        return self.filter(is_published=True).exclude(Q(kind=Resource.Kind.STORY) & without_permission)

    def visible_to(self, user: Any) -> ResourceQuerySet:
        published = self.published()
        public = Q(visibility=Resource.Visibility.PUBLIC)
        if user is None or not user.is_authenticated or not user.organisation.is_vetted:
            return published.filter(public)
        if user.role in NEVER_PERSON_DATA_ROLES or user.organisation.is_state:
            # Government and law-enforcement liaisons and researchers: a members-only item only when its
            # editor opened it to them, and never a personal story.
            opened = Q(open_to_liaisons=True) & ~Q(kind=Resource.Kind.STORY)
            return published.filter(public | opened)
        return published


def resource_upload_to(instance: Resource, filename: str) -> str:
    # The uploader's file name may say something about a person: keep only its extension.
    return f"rights/library/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        VIDEO = "video", _("Video")
        ARTICLE = "article", _("Article")
        BOOK = "book", _("Book")
        STORY = "story", _("Personal story")
        WEBSITE = "website", _("Website")

    class Audience(models.TextChoices):
        PEOPLE = "people", _("Workers and survivors")
        FRONT_LINE = "front_line", _("Front-line and settlement workers")
        EVERYONE = "everyone", _("Everyone")
        RESEARCH = "research", _("Researchers and policy makers")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members only")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=resource_upload_to, blank=True)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    tags = models.ManyToManyField(Tag, blank=True, related_name="resources")
    visibility = models.CharField(_("who can see it"), max_length=8, choices=Visibility.choices)
    open_to_liaisons = models.BooleanField(
        _("also for government and law-enforcement liaisons and researchers"), default=False
    )
    is_published = models.BooleanField(_("published"), default=False)
    # Personal stories: the teller's permission, as they gave it.
    permission_wording = models.TextField(_("the permission the teller gave, in their words"), blank=True)
    permission_recorded_at = models.DateTimeField(null=True, blank=True)
    permission_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="story")
                | Q(is_published=False)
                | (Q(permission_recorded_at__isnull=False) & ~Q(permission_wording="")),
                name="rights_story_published_only_with_permission",
            ),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""),
                name="rights_resource_has_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CourseModule(models.Model):
    """A module of the training course; its words live in `content` per language: {"en": {...}, "fr": {...}}."""

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField()
    content = models.JSONField()
    pass_mark = models.PositiveSmallIntegerField(default=80)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.slug

    def words(self, language: str) -> dict[str, Any]:
        text: dict[str, Any] = self.content.get(language) or self.content["en"]
        return text


class CourseCompletion(models.Model):
    """A member passed a module's quiz: kept for their training record, nothing about anyone else."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions")
    module = models.ForeignKey(CourseModule, on_delete=models.CASCADE, related_name="completions")
    score = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module__order"]
        constraints = [models.UniqueConstraint(fields=["member", "module"], name="rights_one_completion_per_module")]

    def __str__(self) -> str:
        return f"{self.member} · {self.module}"


class ContentVersion(models.Model):
    """One version of a help package's entries or of a course module's words, through the fact sheets' workflow.

    Exactly one of `package` and `module` is set. Publishing copies the content to the package's entries
    or the module's `content`, which is all visitors and members read: a draft is never shown.
    Package content: {"entries": [{"kind", "name", "phone", "website", "note"}]};
    module content: {"en": {"title", "intro", "lessons", "quiz"}, ...}.
    """

    State = SheetText.State

    package = models.ForeignKey(Package, on_delete=models.CASCADE, null=True, blank=True, related_name="versions")
    module = models.ForeignKey(CourseModule, on_delete=models.CASCADE, null=True, blank=True, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=12, choices=SheetText.State.choices, default=SheetText.State.DRAFT)
    content = models.JSONField(_("content"))
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(package__isnull=False, module__isnull=True) | Q(package__isnull=True, module__isnull=False),
                name="rights_version_of_one_thing",
            ),
            models.UniqueConstraint(fields=["package", "number"], name="rights_package_version_number"),
            models.UniqueConstraint(fields=["module", "number"], name="rights_module_version_number"),
            models.UniqueConstraint(
                fields=["package"], condition=Q(state="published"), name="rights_package_one_published"
            ),
            models.UniqueConstraint(
                fields=["module"], condition=Q(state="published"), name="rights_module_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} v{self.number}"

    @property
    def subject(self) -> Package | CourseModule:
        subject = self.package or self.module
        if subject is None:  # the database refuses such a row (rights_version_of_one_thing)
            raise ValueError(self.pk)
        return subject

    @property
    def kind(self) -> str:
        """The URL word for what this is a version of."""
        return "help" if self.package_id else "course"

    def siblings(self) -> models.QuerySet[ContentVersion]:
        if self.package_id:
            return ContentVersion.objects.filter(package_id=self.package_id)
        return ContentVersion.objects.filter(module_id=self.module_id)
