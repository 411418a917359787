"""Writes of the rights app: editing fact sheets, help packages and course modules through draft, review and
publication; the library; the course."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.network.models import Member
from harbour.rights.models import (
    ContentVersion,
    CourseCompletion,
    CourseModule,
    FactSheet,
    Package,
    PackageEntry,
    Resource,
    SheetText,
    Tag,
)


def sheet_text_draft(
    *,
    by: Member,
    fact_sheet: FactSheet,
    language: str,
    title: str,
    summary: str,
    body: str,
    sources: list[dict[str, str]],
    quality: str,
    change_note: str,
    checked_against_original: bool = False,
) -> SheetText:
    """A new draft version.

    A translation stays tied to the original it was made from, unless the editor checked it against today's.
    """
    with transaction.atomic():
        latest = (
            SheetText.objects.select_for_update()
            .filter(fact_sheet=fact_sheet, language=language)
            .order_by("-number")
            .first()
        )
        is_original = language == fact_sheet.source_language
        source_print = ""
        if not is_original:
            source = fact_sheet.published_source()
            if checked_against_original or latest is None:
                source_print = source.fingerprint() if source else ""
            else:
                source_print = latest.source_fingerprint
        return SheetText.objects.create(
            fact_sheet=fact_sheet,
            language=language,
            number=(latest.number + 1) if latest else 1,
            state=SheetText.State.DRAFT,
            quality=SheetText.Quality.ORIGINAL if is_original else quality,
            title=title,
            summary=summary,
            body=body,
            sources=sources,
            source_fingerprint=source_print,
            change_note=change_note,
            written_by=by,
            reviewed_on=latest.reviewed_on if latest else None,
            reviewer=latest.reviewer if latest else "",
        )


# The review steps are shared by fact-sheet texts (`SheetText`) and package and module versions (`ContentVersion`).
Reviewed = SheetText | ContentVersion


def _submit(text: Reviewed) -> None:
    if text.state != SheetText.State.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    text.state = SheetText.State.IN_REVIEW
    text.save(update_fields=["state"])


def _return(text: Reviewed) -> None:
    if text.state != SheetText.State.IN_REVIEW:
        raise ValidationError(_("Only a version waiting for review can be sent back."))
    text.state = SheetText.State.DRAFT
    text.save(update_fields=["state"])


def _check_publish(*, by: Member, text: Reviewed) -> None:
    if text.state != SheetText.State.IN_REVIEW:
        raise ValidationError(_("Only a version waiting for review can be published."))
    if text.written_by_id == by.pk:
        raise PermissionDenied(_("Another editor must review and publish what you wrote."))


def sheet_text_submit(*, by: Member, text: SheetText) -> None:
    """The writer asks for a review."""
    _submit(text)


def sheet_text_return(*, by: Member, text: SheetText) -> None:
    """A reviewer sends a version back to its writer as a draft."""
    _return(text)


def sheet_text_publish(*, by: Member, text: SheetText) -> None:
    """A second editor reviews and publishes; the version it replaces stays in the history."""
    _check_publish(by=by, text=text)
    with transaction.atomic():
        SheetText.objects.filter(
            fact_sheet=text.fact_sheet, language=text.language, state=SheetText.State.PUBLISHED
        ).update(state=SheetText.State.RETIRED)
        text.state = SheetText.State.PUBLISHED
        text.published_by = by
        text.published_at = timezone.now()
        text.reviewed_on = timezone.localdate()
        text.reviewer = f"{by.full_name}, {by.organisation.name}"
        text.save(update_fields=["state", "published_by", "published_at", "reviewed_on", "reviewer"])


def content_version_draft(
    *, by: Member | None, subject: Package | CourseModule, content: dict[str, Any], change_note: str
) -> ContentVersion:
    """A new draft version of a help package's entries or a course module's words (`by` None: the content files)."""
    with transaction.atomic():
        owner: dict[str, Package | CourseModule] = (
            {"package": subject} if isinstance(subject, Package) else {"module": subject}
        )
        latest = ContentVersion.objects.select_for_update().filter(**owner).order_by("-number").first()
        return ContentVersion.objects.create(
            **owner,
            number=(latest.number + 1) if latest else 1,
            content=content,
            change_note=change_note,
            written_by=by,
        )


def content_version_submit(*, by: Member, text: ContentVersion) -> None:
    """The writer asks for a review."""
    _submit(text)


def content_version_return(*, by: Member, text: ContentVersion) -> None:
    """A reviewer sends a version back to its writer as a draft."""
    _return(text)


def content_version_publish(*, by: Member | None, text: ContentVersion) -> None:
    """A second editor publishes (`by` None: the content files); visitors and members then read this version.

    A module keeps its row, so members' completions stay whatever its words become.
    """
    if by is not None:
        _check_publish(by=by, text=text)
    with transaction.atomic():
        text.siblings().filter(state=SheetText.State.PUBLISHED).update(state=SheetText.State.RETIRED)
        text.state = SheetText.State.PUBLISHED
        text.published_by = by
        text.published_at = timezone.now()
        text.save(update_fields=["state", "published_by", "published_at"])
        if text.package is not None:
            text.package.entries.all().delete()
            for order, entry in enumerate(text.content["entries"]):
                PackageEntry.objects.create(
                    package=text.package,
                    order=order,
                    kind=entry["kind"],
                    name=entry["name"],
                    phone=entry.get("phone", ""),
                    website=entry.get("website", ""),
                    note_key=entry.get("note", ""),
                )
        elif text.module is not None:
            text.module.content = text.content
            text.module.save(update_fields=["content"])


def resource_add(
    *,
    by: Member,
    title: str,
    kind: str,
    description: str,
    url: str,
    file: UploadedFile | None,
    audience: str,
    language: str,
    visibility: str,
    tags: Sequence[str],
    permission_wording: str = "",
    permission_given: bool = False,
    is_published: bool = True,
    open_to_liaisons: bool = False,
) -> Resource:
    """A library item; a personal story is published only with the teller's permission recorded."""
    return resource_edit(
        by=by,
        resource=Resource(added_by=by),
        title=title,
        kind=kind,
        description=description,
        url=url,
        file=file,
        audience=audience,
        language=language,
        visibility=visibility,
        tags=tags,
        permission_wording=permission_wording,
        permission_given=permission_given,
        is_published=is_published,
        open_to_liaisons=open_to_liaisons,
    )


def resource_edit(
    *,
    by: Member,
    resource: Resource,
    title: str,
    kind: str,
    description: str,
    url: str,
    file: UploadedFile | None,
    audience: str,
    language: str,
    visibility: str,
    tags: Sequence[str],
    permission_wording: str,
    permission_given: bool,
    is_published: bool,
    open_to_liaisons: bool = False,
) -> Resource:
    """An editor changes a library item or takes it down (`is_published=False`); a new link or file replaces the old."""
    wording = permission_wording.strip()
    with transaction.atomic():
        resource.title, resource.kind, resource.description = title, kind, description
        resource.audience, resource.language, resource.visibility = audience, language, visibility
        resource.is_published = is_published
        # A personal story never reaches government, law enforcement or researchers beyond the public.
        resource.open_to_liaisons = open_to_liaisons and kind != Resource.Kind.STORY
        if kind == Resource.Kind.STORY and permission_given and wording:
            if wording != resource.permission_wording or resource.permission_recorded_at is None:
                resource.permission_wording = wording
                resource.permission_recorded_at = timezone.now()
                resource.permission_recorded_by = by
        else:
            # Not a story, or no permission: nothing of the teller's words is kept, and the database
            # refuses to publish a story in this state.
            resource.permission_wording = ""
            resource.permission_recorded_at = None
            resource.permission_recorded_by = None
        replaced = resource.file.name if resource.file and (file is not None or url) else ""
        if file is not None:
            resource.file.save(file.name or "upload", file, save=False)
            resource.url = ""
        elif url:
            resource.file = ""
            resource.url = url
        resource.save()
        resource.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
        if replaced:
            storage = resource.file.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    return resource


def course_quiz_submit(*, by: Member, module: CourseModule, answers: dict[int, int]) -> tuple[int, bool]:
    """Marks a quiz; a pass is recorded once, with the best score kept."""
    questions: list[dict[str, Any]] = module.words("en")["quiz"]
    right = sum(1 for number, question in enumerate(questions) if answers.get(number) == question["answer"])
    score = round(100 * right / len(questions))
    passed = score >= module.pass_mark
    if passed:
        completion, created = CourseCompletion.objects.get_or_create(
            member=by, module=module, defaults={"score": score}
        )
        if not created and score > completion.score:
            completion.score = score
            completion.save(update_fields=["score"])
    return score, passed
