"""Small catalogues written for one test, and `check_translations` run over them alone."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import polib
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError

NAMES = {"fr": "French", "ar": "Arabic", "th": "Thai"}


def write_catalogue(root: Path, language: str, entries: list[polib.POEntry]) -> None:
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    for entry in entries:
        catalogue.append(entry)
    (root / language / "LC_MESSAGES").mkdir(parents=True)
    catalogue.save(str(root / language / "LC_MESSAGES" / "django.po"))


def run_check(
    settings: LazySettings, tmp_path: Path, fr: list[polib.POEntry], draft: list[polib.POEntry], *, draft_language: str
) -> str:
    """Run the check over a French catalogue and one draft language's; return its complaints ('' when it passes)."""
    write_catalogue(tmp_path, "fr", fr)
    write_catalogue(tmp_path, draft_language, draft)
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en", "English"), ("fr", "French"), (draft_language, NAMES[draft_language])]
    errors = StringIO()
    try:
        call_command("check_translations", "--no-update", stdout=StringIO(), stderr=errors)
    except CommandError:
        return errors.getvalue()
    return ""
