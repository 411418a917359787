"""Pages of the rights app: public fact sheets, help by city and the library; members' course and editing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, get_language_info, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from harbour.core import access, roles, sealed_query
from harbour.core.context_processors import translated_urls
from harbour.core.responses import stored_file
from harbour.network.models import Member
from harbour.rights import actions
from harbour.rights.forms import (
    ContentVersionForm,
    LibrarySearchForm,
    ResourceForm,
    SheetTextForm,
    content_as_text,
    sources_as_text,
)
from harbour.rights.models import (
    ContentVersion,
    CourseCompletion,
    CourseModule,
    FactSheet,
    Package,
    Resource,
    SheetText,
)
from harbour.rights.needs import NEED_LABELS, PACKAGE_NEEDS, TOPIC_NEEDS
from harbour.rights.text import render as render_text

# The languages a visitor falls back to when a sheet has no text in theirs, in order.
FALLBACK_LANGUAGES = ("en", "fr")
# Fact-sheet pages say so in this header; the offline worker keeps only responses that carry it.
OFFLINE_HEADER = "Harbour-Offline"


def _member(request: HttpRequest) -> Member:
    return access.signed_in_member(request)


def _language_name(code: str) -> str:
    return str(get_language_info(code)["name_local"])


def _status_notice(status: str) -> str:
    notices = {
        SheetText.Quality.MACHINE_ASSISTED: _(
            "This translation is a draft made with the help of machine translation. A person has not checked it yet."
        ),
        SheetText.Quality.DRAFT: _("This translation is a draft. A person has not reviewed it yet."),
        SheetText.Quality.REVIEWED: _("This translation was reviewed by a person."),
        SheetText.OUT_OF_DATE: _(
            "The original text changed after this translation was made: this translation may be out of date."
        ),
    }
    return notices.get(status, "")


def _text_for(texts: dict[str, SheetText], language: str) -> SheetText | None:
    """The published text in the visitor's language, else in English, else in French."""
    return texts.get(language) or next((texts[code] for code in FALLBACK_LANGUAGES if code in texts), None)


def _sheet_context(request: HttpRequest, sheet: FactSheet) -> dict[str, Any]:
    language = get_language()
    # One query for every published text: the one shown, its original and the list of languages.
    texts = {text.language: text for text in sheet.texts.filter(state=SheetText.State.PUBLISHED)}
    text = _text_for(texts, language)
    if text is None:
        raise Http404
    fallback_from = language if text.language != language else None
    status = text.status(texts.get(sheet.source_language))
    published = sorted(texts)
    path = request.path
    urls = translated_urls(path)  # this page in each language, resolved once
    return {
        "sheet": sheet,
        "text": text,
        "body": render_text(text.body),
        "status": status,
        "status_notice": _status_notice(status),
        "is_translation": not text.is_original,
        "fallback_from": fallback_from and _language_name(fallback_from),
        "text_language_bidi": get_language_info(text.language)["bidi"],
        "original_url": urls[sheet.source_language] if text.language != sheet.source_language else "",
        "original_name": _language_name(sheet.source_language),
        "official_versions": [
            {"code": code, "name": _language_name(code), "url": urls[code]}
            for code in FALLBACK_LANGUAGES
            if code in published and code != text.language
        ],
        "other_languages": [
            {"code": code, "name": _language_name(code), "url": urls[code]}
            for code in published
            if code != text.language
        ],
        "pdf_url": f"{path}?format=pdf",
        "directory_links": _directory_links(TOPIC_NEEDS.get(sheet.topic, ())),
    }


def _directory_links(codes: tuple[str, ...], postcode: str = "") -> list[dict[str, str]]:
    """Links to the directory's search for each need (codes from rights.needs), around a postal area if given."""
    search = reverse("directory:search")
    place = {"postcode": postcode} if postcode else {}
    return [
        {"label": str(NEED_LABELS[code]), "url": f"{search}?{urlencode({'need': code, **place})}"} for code in codes
    ]


@access.public
def index(request: HttpRequest) -> HttpResponse:
    """Every fact sheet (in the visitor's language where it exists) and the help packages by city."""
    language = get_language()
    sheets = []
    # Only the published texts are read (not every draft and retired version with its body).
    # Only what the list shows: not the bodies, sources and review notes (half the page's time otherwise).
    shown = ("id", "fact_sheet_id", "language", "title", "summary", "state")
    published = SheetText.objects.filter(state=SheetText.State.PUBLISHED).only(*shown)
    for sheet in FactSheet.objects.prefetch_related(Prefetch("texts", queryset=published)):
        texts = {text.language: text for text in sheet.texts.all()}
        text = _text_for(texts, language)
        if text is not None:
            sheets.append({"sheet": sheet, "text": text, "in_language": text.language == language})
    return render(request, "rights/index.html", {"sheets": sheets, "packages": Package.objects.all()})


@access.public
def fact_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """A fact sheet in the visitor's language, or in English or French with a notice; `?format=pdf` for the PDF."""
    sheet = get_object_or_404(FactSheet, slug=slug)
    context = _sheet_context(request, sheet)
    if request.GET.get("format") == "pdf":
        from harbour.rights.pdf import fact_sheet_pdf  # Pango is loaded only for PDFs.

        text: SheetText = context["text"]
        response = HttpResponse(fact_sheet_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="harbour-{sheet.slug}-{text.language}.pdf"'
        return response
    response = render(request, "rights/fact_sheet.html", context)
    if not request.user.is_authenticated:
        # A member's page carries their name: it is never kept on the phone.
        response[OFFLINE_HEADER] = "keep"
    return response


# Help by city's notes, by the key a package entry names (translated when shown).
PACKAGE_NOTES = {
    "emergency": gettext_noop("Police, ambulance or fire, when a life is in danger now. Free from any phone."),
    "trafficking_hotline": gettext_noop(
        "Free and confidential, at any hour, in more than 200 languages. Help to leave, shelter, health, legal help."
    ),
    "community_services": gettext_noop("Food, shelter, settlement and other services near you, in many languages."),
    "youth": gettext_noop("For anyone under 30, at any hour. Call, or text 686868."),
    "foreign_workers_tip": gettext_noop(
        "Report an employer who abuses temporary foreign workers. You can stay anonymous."
    ),
    "employment_standards": gettext_noop("Unpaid wages, hours, pay stubs and deductions: a free complaint."),
    "nurse_line": gettext_noop("Speak with a nurse, free, at any hour. Ask for an interpreter."),
}


@access.public
def package(request: HttpRequest, slug: str) -> HttpResponse:
    """Where to go for help in one city: numbers to call, and the directory's services by need."""
    city = get_object_or_404(Package, slug=slug)
    entries = [
        {"entry": entry, "note": _(PACKAGE_NOTES[entry.note_key]) if entry.note_key in PACKAGE_NOTES else ""}
        for entry in city.entries.all()
    ]
    # The directory searches around the city's central postal area.
    needs = _directory_links(PACKAGE_NEEDS, postcode=city.postcode)
    return render(request, "rights/package.html", {"package": city, "entries": entries, "needs": needs})


@access.public
def library(request: HttpRequest) -> HttpResponse:
    """The resource library, searchable and filterable; members also see members-only items. `?file=<id>` downloads."""
    visible = Resource.objects.visible_to(request.user)
    if "file" in request.GET:
        try:
            item = visible.exclude(file="").get(pk=int(request.GET["file"]))
        except (ValueError, Resource.DoesNotExist):
            raise Http404 from None
        name = item.file.name.rsplit("/", 1)[-1]
        return stored_file(item.file, filename=name, content_type="application/octet-stream")
    # What was searched leaves the address (and so Back after the quick exit): core/sealed_query.py.
    sealed = sealed_query.sealed_redirect(request)
    if sealed is not None:
        return sealed
    given = sealed_query.answers(request)
    form = LibrarySearchForm(given or None)
    items = visible.prefetch_related("tags")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(
                Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]) | Q(tags__name__icontains=data["q"])
            )
        for field in ("kind", "audience", "language"):
            if data[field]:
                items = items.filter(**{field: data[field]})
        if data["tag"]:
            items = items.filter(tags__name=data["tag"].strip().lower())
    items = items.distinct()
    policy = access.policy_of(resource_form)
    is_editor = policy is not None and isinstance(request.user, Member) and policy.allows(request.user)
    # Only editors see what is not published, to change it or publish it again.
    unpublished = (
        Resource.objects.exclude(pk__in=Resource.objects.published()) if is_editor else Resource.objects.none()
    )
    return render(
        request,
        "rights/library.html",
        {
            "form": form,
            "items": items,
            "searched": bool(given),
            "is_editor": is_editor,
            "unpublished": unpublished,
        },
    )


RESOURCE_FIELDS = (
    "title",
    "kind",
    "description",
    "url",
    "file",
    "audience",
    "language",
    "visibility",
    "open_to_liaisons",
    "tags",
    "permission_wording",
    "permission_given",
    "is_published",
)


def _resource_initial(resource: Resource) -> dict[str, Any]:
    return {
        "title": resource.title,
        "kind": resource.kind,
        "description": resource.description,
        "url": resource.url,
        "audience": resource.audience,
        "language": resource.language,
        "visibility": resource.visibility,
        "open_to_liaisons": resource.open_to_liaisons,
        "tags": ", ".join(tag.name for tag in resource.tags.all()),
        "permission_wording": resource.permission_wording,
        "permission_given": resource.permission_recorded_at is not None,
        "is_published": resource.is_published,
    }


@access.members(*roles.EDITORS)
@require_http_methods(["GET", "POST"])
def resource_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Adding an item to the library, or changing or unpublishing one: a personal story only with permission."""
    resource = get_object_or_404(Resource, pk=pk) if pk is not None else None
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        initial=_resource_initial(resource) if resource else None,
        has_file=bool(resource and resource.file),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in RESOURCE_FIELDS}
        if resource is None:
            actions.resource_add(by=_member(request), **fields)
            messages.success(request, _("The item is in the library."))
        else:
            actions.resource_edit(by=_member(request), resource=resource, **fields)
            messages.success(request, _("The item is saved."))
        return redirect("rights:library")
    return render(request, "rights/resource_form.html", {"form": form, "resource": resource})


@access.members()
def course(request: HttpRequest) -> HttpResponse:
    """The training course for front-line and settlement workers, with what this member has completed."""
    done = {completion.module_id: completion for completion in CourseCompletion.objects.filter(member=_member(request))}
    language = get_language()
    modules = [
        {"module": module, "words": module.words(language), "completion": done.get(module.pk)}
        for module in CourseModule.objects.all()
    ]
    return render(request, "rights/course.html", {"modules": modules})


@access.members()
@require_http_methods(["GET", "POST"])
def course_module(request: HttpRequest, slug: str) -> HttpResponse:
    """A module's lessons and its quiz; passing it records a completion for this member."""
    module = get_object_or_404(CourseModule, slug=slug)
    words = module.words(get_language())
    chosen: dict[int, int] = {}
    result = None
    if request.method == "POST":
        for number in range(len(words["quiz"])):
            try:
                chosen[number] = int(request.POST.get(f"q{number}", ""))
            except ValueError:
                continue
        if len(chosen) < len(words["quiz"]):
            messages.error(request, _("Answer every question, then send your answers again."))
        else:
            score, passed = actions.course_quiz_submit(by=_member(request), module=module, answers=chosen)
            result = {"score": score, "passed": passed}
    lessons = [{"title": lesson["title"], "body": render_text(lesson["body"], 3)} for lesson in words["lessons"]]
    quiz = [
        {
            "number": number,
            "question": question["question"],
            "choices": list(enumerate(question["choices"])),
            "chosen": chosen.get(number),
            "why": question["why"],
            "right": chosen.get(number) == question["answer"],
        }
        for number, question in enumerate(words["quiz"])
    ]
    completion = CourseCompletion.objects.filter(member=_member(request), module=module).first()
    context = {"module": module, "words": words, "lessons": lessons, "quiz": quiz, "result": result}
    return render(request, "rights/course_module.html", {**context, "completion": completion})


@access.members(*roles.ADMINISTRATORS)
def course_records(request: HttpRequest) -> HttpResponse:
    """An organisation administrator sees which of their staff completed which module."""
    organisation = _member(request).organisation
    modules = list(CourseModule.objects.all())
    staff = organisation.members.filter(is_active=True).order_by("full_name")
    completions = CourseCompletion.objects.filter(member__in=staff)
    done_by_member: dict[int, dict[int, CourseCompletion]] = {}
    for completion in completions:
        done_by_member.setdefault(completion.member_id, {})[completion.module_id] = completion
    rows = []
    for member in staff:
        done = done_by_member.get(member.pk, {})
        rows.append({"member": member, "cells": [done.get(module.pk) for module in modules]})
    language = get_language()
    return render(
        request,
        "rights/course_records.html",
        {"modules": [module.words(language)["title"] for module in modules], "rows": rows},
    )


@access.members(*roles.EDITORS)
def editor(request: HttpRequest) -> HttpResponse:
    """Editors' overview: each sheet, and for each language its published version and any waiting for review."""
    rows = []
    languages = [code for code, _name in settings.LANGUAGES]
    for sheet in FactSheet.objects.prefetch_related("texts"):
        texts = list(sheet.texts.all())
        published_by_language = {t.language: t for t in texts if t.state == SheetText.State.PUBLISHED}
        source = published_by_language.get(sheet.source_language)
        cells = []
        for code in languages:
            published = published_by_language.get(code)
            waiting = sum(1 for t in texts if t.language == code and t.state == SheetText.State.IN_REVIEW)
            cells.append({"code": code, "status": published.status(source) if published else "", "waiting": waiting})
        title = source.title if source else sheet.slug
        rows.append({"sheet": sheet, "title": title, "cells": cells})
    in_review = SheetText.objects.filter(state=SheetText.State.IN_REVIEW).select_related("fact_sheet", "written_by")
    versions_in_review = ContentVersion.objects.filter(state=SheetText.State.IN_REVIEW).select_related(
        "package", "module", "written_by"
    )
    context = {
        "rows": rows,
        "languages": languages,
        "waiting": in_review,
        "versions_waiting": versions_in_review,
        "packages": Package.objects.all(),
        "modules": CourseModule.objects.all(),
    }
    return render(request, "rights/editor.html", context)


@access.members(*roles.EDITORS)
def sheet_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every version of a sheet in every language, newest first."""
    sheet = get_object_or_404(FactSheet, slug=slug)
    texts = sheet.texts.select_related("written_by", "published_by").order_by("language", "-number")
    return render(
        request, "rights/sheet_history.html", {"sheet": sheet, "texts": texts, "languages": settings.LANGUAGES}
    )


@access.members(*roles.EDITORS)
@require_http_methods(["GET", "POST"])
def text_new(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """A new draft for one language, starting from its latest version (or from the original, for a new translation)."""
    sheet = get_object_or_404(FactSheet, slug=slug)
    if language not in dict(settings.LANGUAGES):
        raise Http404
    is_original = language == sheet.source_language
    start = sheet.texts.filter(language=language).order_by("-number").first() or sheet.published_source()
    initial: dict[str, Any] = {}
    if start is not None:
        initial = {
            "title": start.title,
            "summary": start.summary,
            "body": start.body,
            "sources": sources_as_text(start.sources),
            "quality": start.quality if start.language == language else SheetText.Quality.DRAFT,
        }
    form = SheetTextForm(request.POST or None, initial=initial, is_original=is_original)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = actions.sheet_text_draft(
            by=_member(request),
            fact_sheet=sheet,
            language=language,
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            sources=data["sources"],
            quality=data.get("quality") or SheetText.Quality.DRAFT,
            change_note=data["change_note"],
            checked_against_original=data.get("checked_against_original", False),
        )
        messages.success(request, _("Draft saved. Send it for review when it is ready."))
        return redirect("rights:text_detail", pk=text.pk)
    return render(
        request,
        "rights/text_form.html",
        {"sheet": sheet, "form": form, "language_name": _language_name(language), "is_original": is_original},
    )


def _review_step(request: HttpRequest, steps: dict[str, Any], text: SheetText | ContentVersion) -> None:
    """Runs the review step the editor chose (send for review, send back, publish) and says how it went."""
    step = steps.get(request.POST.get("step", ""))
    if step is None:
        messages.error(request, _("Choose what to do with this version."))
        return
    try:
        step(by=_member(request), text=text)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Done."))


@access.members(*roles.EDITORS)
@require_http_methods(["GET", "POST"])
def text_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version, as visitors would read it, with the next step of its review."""
    text = get_object_or_404(SheetText.objects.select_related("fact_sheet", "written_by", "published_by"), pk=pk)
    if request.method == "POST":
        steps = {
            "submit": actions.sheet_text_submit,
            "return": actions.sheet_text_return,
            "publish": actions.sheet_text_publish,
        }
        _review_step(request, steps, text)
        return redirect("rights:text_detail", pk=text.pk)
    status = text.status()  # a translation's status reads its source: once
    return render(
        request,
        "rights/text_detail.html",
        {
            "text": text,
            "body": render_text(text.body),
            "status": status,
            "status_notice": _status_notice(status),
            "is_writer": text.written_by_id == request.user.pk,
            "new_url": reverse("rights:text_new", kwargs={"slug": text.fact_sheet.slug, "language": text.language}),
        },
    )


def _subject(kind: str, slug: str) -> Package | CourseModule:
    """A help package (`help`) or a course module (`course`), the things edited as `ContentVersion`s."""
    if kind == "help":
        return get_object_or_404(Package, slug=slug)
    if kind == "course":
        return get_object_or_404(CourseModule, slug=slug)
    raise Http404


@access.members(*roles.EDITORS)
def version_history(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Every version of a help package or a course module, newest first."""
    subject = _subject(kind, slug)
    versions = subject.versions.select_related("written_by", "published_by").order_by("-number")
    return render(request, "rights/version_history.html", {"subject": subject, "kind": kind, "versions": versions})


@access.members(*roles.EDITORS)
@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """A new draft, starting from the latest version (or from what is published, when there is no version yet)."""
    subject = _subject(kind, slug)
    latest = subject.versions.order_by("-number").first()
    if latest is not None:
        start = latest.content
    elif isinstance(subject, Package):
        start = subject.entries_content()
    else:
        start = subject.content
    form = ContentVersionForm(request.POST or None, initial={"content": content_as_text(start)}, kind=kind)
    if request.method == "POST" and form.is_valid():
        version = actions.content_version_draft(
            by=_member(request),
            subject=subject,
            content=form.cleaned_data["content"],
            change_note=form.cleaned_data["change_note"],
        )
        messages.success(request, _("Draft saved. Send it for review when it is ready."))
        return redirect("rights:version_detail", pk=version.pk)
    return render(request, "rights/version_form.html", {"subject": subject, "kind": kind, "form": form})


@access.members(*roles.EDITORS)
@require_http_methods(["GET", "POST"])
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of a help package or a course module, with the next step of its review."""
    version = get_object_or_404(
        ContentVersion.objects.select_related("package", "module", "written_by", "published_by"), pk=pk
    )
    if request.method == "POST":
        steps = {
            "submit": actions.content_version_submit,
            "return": actions.content_version_return,
            "publish": actions.content_version_publish,
        }
        _review_step(request, steps, version)
        return redirect("rights:version_detail", pk=version.pk)
    slug = version.subject.slug
    return render(
        request,
        "rights/version_detail.html",
        {
            "text": version,
            "kind": version.kind,
            "content": content_as_text(version.content),
            "is_writer": version.written_by_id == request.user.pk,
            "new_url": reverse("rights:version_new", kwargs={"kind": version.kind, "slug": slug}),
        },
    )
