"""Loads the rights content kept as data files (harbour/rights/content/) into the database.

All or nothing: a file that cannot be read stops the whole load with its name,
and nothing is written. Without `update`, only what is missing is added, so a
version an editor published in Harbour is never overwritten by a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from harbour.core.reference import Province
from harbour.rights.actions import content_version_draft, content_version_publish
from harbour.rights.models import (
    ContentVersion,
    CourseModule,
    FactSheet,
    Package,
    PackageEntry,
    Resource,
    SheetText,
    Tag,
    fingerprint,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class ContentError(Exception):
    """A content file is missing a field or holds a value Harbour cannot use."""


@dataclass
class LoadReport:
    sheets: int = 0
    texts_added: list[str] = field(default_factory=list)
    packages: int = 0
    modules: int = 0
    resources: int = 0


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None


def read_text_file(path: Path) -> dict[str, Any]:
    """A `<language>.md` file: its front matter and its body."""
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---\n"):
        raise ContentError(f"{path}: starts without a front matter (---)")
    try:
        _start, front, body = raw.split("---\n", 2)
        meta = yaml.safe_load(front)
    except (ValueError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None
    for key in ("title", "quality", "reviewed_on", "reviewer"):
        if not meta or key not in meta:
            raise ContentError(f"{path}: the front matter has no {key}")
    if meta["quality"] not in SheetText.Quality.values:
        raise ContentError(f"{path}: unknown quality {meta['quality']!r}")
    reviewed_on = meta["reviewed_on"]
    if not isinstance(reviewed_on, date):
        raise ContentError(f"{path}: reviewed_on must be a date (YYYY-MM-DD)")
    return {
        "title": str(meta["title"]).strip(),
        "summary": str(meta.get("summary", "")).strip(),
        "body": body.strip() + "\n",
        "quality": meta["quality"],
        "reviewed_on": reviewed_on,
        "reviewer": str(meta["reviewer"]),
    }


def _sources(path: Path, raw: Any) -> list[dict[str, str]]:
    sources = []
    for entry in raw or []:
        missing = {"title", "publisher", "url", "date"} - set(entry)
        if missing:
            raise ContentError(f"{path}: a source lacks {sorted(missing)}")
        sources.append({key: str(entry[key]) for key in ("title", "publisher", "url", "date")})
    if not sources:
        raise ContentError(f"{path}: a fact sheet needs at least one source")
    return sources


def _add_text(
    sheet: FactSheet,
    language: str,
    words: dict[str, Any],
    sources: list[dict[str, str]],
    source_print: str,
    update: bool,
) -> bool:
    current = sheet.texts.filter(language=language).order_by("-number").first()
    if current is not None:
        unchanged = current.fingerprint() == fingerprint(words["title"], words["summary"], words["body"])
        if not update or unchanged:
            return False
    sheet.texts.filter(language=language, state=SheetText.State.PUBLISHED).update(state=SheetText.State.RETIRED)
    SheetText.objects.create(
        fact_sheet=sheet,
        language=language,
        number=(current.number + 1) if current else 1,
        state=SheetText.State.PUBLISHED,
        quality=words["quality"],
        title=words["title"],
        summary=words["summary"],
        body=words["body"],
        sources=sources,
        source_fingerprint="" if language == sheet.source_language else source_print,
        reviewed_on=words["reviewed_on"],
        reviewer=words["reviewer"],
        change_note="Loaded from harbour/rights/content",
        published_at=timezone.now(),
    )
    return True


def _provinces(path: Path, raw: Any) -> list[str]:
    # YAML reads a bare ON or NO as a yes/no: province codes must be quoted.
    codes = list(raw or [])
    unknown = [code for code in codes if code not in Province.values]
    if unknown:
        raise ContentError(f'{path}: unknown provinces {unknown!r} (quote the codes: "ON")')
    return codes


def _load_sheet(folder: Path, report: LoadReport, update: bool) -> None:
    meta = _yaml(folder / "sheet.yaml")
    sources = _sources(folder / "sheet.yaml", meta.get("sources"))
    provinces = _provinces(folder / "sheet.yaml", meta.get("provinces"))
    sheet, created = FactSheet.objects.get_or_create(
        slug=folder.name,
        defaults={"topic": meta["topic"], "provinces": provinces, "order": meta.get("order", 100)},
    )
    if update and not created:
        sheet.topic, sheet.provinces, sheet.order = meta["topic"], provinces, meta.get("order", 100)
        sheet.save()
    report.sheets += 1
    original_path = folder / f"{sheet.source_language}.md"
    if not original_path.exists():
        raise ContentError(f"{folder}: no {original_path.name}, the original text")
    original = read_text_file(original_path)
    source_print = fingerprint(original["title"], original["summary"], original["body"])
    paths = sorted(folder.glob("*.md"), key=lambda path: path != original_path)
    for path in paths:
        language = path.stem
        if language not in LANGUAGE_CODES:
            raise ContentError(f"{path}: {language} is not one of Harbour's languages")
        words = original if path == original_path else read_text_file(path)
        if _add_text(sheet, language, words, sources, source_print, update):
            report.texts_added.append(f"{sheet.slug}:{language}")


def check_package_content(where: str, content: Any) -> dict[str, Any]:
    """A package's entries as a file or an editor writes them: {"entries": [{"kind", "name", ...}]}."""
    entries = content.get("entries") if isinstance(content, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ContentError(f"{where}: a list of entries is needed")
    checked = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise ContentError(f"{where}: entry {number} has no name")
        if entry.get("kind") not in PackageEntry.Kind.values:
            raise ContentError(f"{where}: entry {number} has an unknown kind {entry.get('kind')!r}")
        checked.append(
            {
                "kind": entry["kind"],
                "name": str(entry["name"]).strip(),
                "phone": str(entry.get("phone", "") or ""),
                "website": str(entry.get("website", "") or ""),
                "note": str(entry.get("note", "") or ""),
            }
        )
    return {"entries": checked}


def check_course_content(where: str, content: Any) -> dict[str, Any]:
    """A module's words per language; quizzes are marked against the English answers, whatever language is read."""
    try:
        english_answers = [question["answer"] for question in content["en"]["quiz"]]
        for language, words in content.items():
            if language not in LANGUAGE_CODES:
                raise ContentError(f"{where}: {language} is not one of Harbour's languages")
            for key in ("title", "intro"):
                if not isinstance(words[key], str):
                    raise ContentError(f"{where} [{language}]: {key} must be text")
            for lesson in words["lessons"]:
                if not isinstance(lesson["title"], str) or not isinstance(lesson["body"], str):
                    raise ContentError(f"{where} [{language}]: a lesson needs a title and a body")
            for question in words["quiz"]:
                if not 0 <= question["answer"] < len(question["choices"]) or not isinstance(question["why"], str):
                    raise ContentError(f"{where} [{language}]: an answer points at no choice")
            if [question["answer"] for question in words["quiz"]] != english_answers:
                raise ContentError(f"{where} [{language}]: the answers differ from the English quiz")
    except (KeyError, TypeError, AttributeError) as error:
        raise ContentError(f"{where}: missing or wrong {error}") from None
    if not english_answers:
        raise ContentError(f"{where}: the quiz has no questions")
    result: dict[str, Any] = content
    return result


def _publish(subject: Package | CourseModule, content: dict[str, Any]) -> None:
    version = content_version_draft(by=None, subject=subject, content=content, change_note="Content files")
    content_version_publish(by=None, text=version)


def _publish_from_file(subject: Package | CourseModule, content: dict[str, Any], created: bool, update: bool) -> None:
    """The first version is published with the load; with `update`, a changed file makes a new published version."""
    if not subject.versions.exists():
        # A package or module loaded before versions existed starts its history with what is shown today.
        if created:
            _publish(subject, content)
        else:
            _publish(subject, subject.entries_content() if isinstance(subject, Package) else subject.content)
    published = subject.versions.filter(state=ContentVersion.State.PUBLISHED).first()
    if update and (published is None or published.content != content):
        _publish(subject, content)


def _load_packages(path: Path, report: LoadReport, update: bool = False) -> None:
    for raw in _yaml(path) or []:
        package, created = Package.objects.get_or_create(
            slug=raw["slug"],
            defaults={"city": raw["city"], "province": raw["province"], "postcode": raw.get("postcode", "")},
        )
        content = check_package_content(f"{path}: {raw['slug']}", {"entries": raw["entries"]})
        _publish_from_file(package, content, created, update)
        report.packages += 1


def _load_course(path: Path, report: LoadReport, update: bool = False) -> None:
    for order, raw in enumerate(_yaml(path) or [], start=1):
        content = check_course_content(f"{path}: {raw['slug']}", raw["content"])
        module, created = CourseModule.objects.get_or_create(
            slug=raw["slug"], defaults={"order": order, "content": content}
        )
        if update and module.order != order:
            module.order = order
            module.save(update_fields=["order"])
        # Completions stay: they record that a member passed the module, whatever its words today.
        _publish_from_file(module, content, created, update)
        report.modules += 1


def _load_library(path: Path, report: LoadReport) -> None:
    for raw in _yaml(path) or []:
        resource, created = Resource.objects.get_or_create(
            title=raw["title"],
            defaults={
                "kind": raw["kind"],
                "description": raw.get("description", ""),
                "url": raw["url"],
                "audience": raw["audience"],
                "language": raw["language"],
                "visibility": raw["visibility"],
                "is_published": True,
            },
        )
        if created:
            resource.tags.set([Tag.objects.get_or_create(name=name)[0] for name in raw.get("tags", [])])
        report.resources += 1


@transaction.atomic
def load_content(directory: Path = CONTENT_DIR, *, update: bool = False) -> LoadReport:
    report = LoadReport()
    try:
        for folder in sorted((directory / "fact_sheets").iterdir()):
            if folder.is_dir():
                _load_sheet(folder, report, update)
        if (directory / "packages.yaml").exists():
            _load_packages(directory / "packages.yaml", report, update)
        if (directory / "course.yaml").exists():
            _load_course(directory / "course.yaml", report, update)
        if (directory / "library.yaml").exists():
            _load_library(directory / "library.yaml", report)
    except (KeyError, TypeError, ValueError) as error:
        raise ContentError(f"{directory}: {error!r}") from None
    return report
