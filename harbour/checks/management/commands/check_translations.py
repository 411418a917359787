"""Fails when people could meet English they cannot read: unmarked strings, or missing translations.

1. The template and Python checkers of `harbour.checks.i18n_lint` find text
   that is not marked for translation.
2. `makemessages` brings every catalogue up to date with the code: the
   project's locale/ and each app's own locale/ (skip with --no-update to
   check the catalogues as they are).
3. Every entry of a language in HARBOUR_COMPLETE_LANGUAGES must be translated
   and not fuzzy. Other languages are drafts: their gaps are counted, but the
   layout (core/base.html) must be translated, so that every page in them has
   working navigation and its quick exit in the reader's language.
   Every safety-critical string (`harbour.checks.safety_strings`: danger, quick
   exit, privacy, help by city, the self-check) must be translated in every
   language, drafts included.
4. Placeholders must be the same in msgid and msgstr, or the page would crash
   or show the wrong value.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import to_locale

from harbour.checks import i18n_lint, safety_strings
from harbour.checks.catalogues import PLURAL_FORMS, catalogue_path, catalogue_roots, translated_languages

# The layout every page extends: a draft language must still translate all of it.
LAYOUT_TEMPLATE = "harbour/core/templates/core/base.html"
# Not Harbour's own code, or not shown to people.
IGNORED_BY_MAKEMESSAGES = [".venv/*", "node_modules/*", "staticfiles/*", "var/*", "docs/*", "harbour/*/tests/*"]
# %(name)s, %s, %d and friends, and {name} / {} brace fields; "%%" and "{{" are literal.
NAMED_PLACEHOLDER = re.compile(r"%\(\w+\)")
PLACEHOLDER = re.compile(
    r"%%|%(?:\(\w+\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\{|\{\w*(?:![rsa])?(?::[^{}]*)?\}"
)


def placeholders(text: str) -> Counter[str]:
    return Counter(match for match in PLACEHOLDER.findall(text) if match not in ("%%", "{{"))


def placeholder_problems(entry: polib.POEntry) -> list[str]:
    """Why this translated entry's placeholders differ from its msgid's, if they do."""
    # xgettext flags format strings; a msgid without a flag or a %(name)s is plain text,
    # where "100% free" must not be read as a placeholder.
    if not ({"python-format", "python-brace-format"} & set(entry.flags) or NAMED_PLACEHOLDER.search(entry.msgid)):
        return []
    if not entry.msgid_plural:
        if placeholders(entry.msgstr) != placeholders(entry.msgid):
            return [f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}"]
        return []
    # A plural form may leave out the number ("one item" rather than "%(count)s item"),
    # but may not bring in a name that the English does not have.
    known = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
    problems = []
    for index, form in sorted(entry.msgstr_plural.items()):
        extra = placeholders(form) - known
        if extra:
            problems.append(f"plural form {index} has unknown placeholders {sorted(extra)}: {entry.msgid!r}")
    return problems


def _without_creation_date(catalogue: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*\n', "", catalogue, count=1, flags=re.MULTILINE)


def is_layout(entry: polib.POEntry) -> bool:
    return any(path == LAYOUT_TEMPLATE for path, _line in entry.occurrences)


def is_done(entry: polib.POEntry) -> bool:
    return entry.translated() and "fuzzy" not in entry.flags


class Command(BaseCommand):
    help = "Check that user-facing strings are marked for translation and that the catalogues are complete."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-update",
            action="store_true",
            help="Check the catalogues as they are, without running makemessages first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_dir = Path(settings.BASE_DIR)
        problems = [str(problem) for problem in i18n_lint.check_templates(base_dir) + i18n_lint.check_python(base_dir)]
        languages = translated_languages()
        if not options["no_update"]:
            self.update_catalogues(base_dir, languages)
        project_root = Path(settings.LOCALE_PATHS[0])
        for root in catalogue_roots():
            if root != project_root and not any(root.glob("*/LC_MESSAGES/django.po")):
                continue  # an app whose code has no strings yet
            for language in languages:
                problems += self.catalogue_problems(catalogue_path(root, language), language, base_dir)
        # The complete languages name every safety-critical string the code has.
        reference = [code for code in settings.HARBOUR_COMPLETE_LANGUAGES if code in languages]
        must_have = safety_strings.required(
            catalogue for language in reference for catalogue in self.catalogues_of(language)
        )
        for language in languages:
            problems += self.safety_problems(language, must_have)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} translation problems; see above.")
        self.stdout.write("translations: every string is marked and every required translation is there")

    def catalogues_of(self, language: str) -> list[polib.POFile]:
        paths = [catalogue_path(root, language) for root in catalogue_roots()]
        return [polib.pofile(str(path)) for path in paths if path.exists()]

    def safety_problems(self, language: str, must_have: frozenset[str]) -> list[str]:
        """Every safety-critical string, in whichever catalogue holds it, translated in this language."""
        found = safety_strings.coverage(language, self.catalogues_of(language), must_have)
        self.stdout.write(
            f"{language}: {found.public_share:.0f}% of public strings, "
            f"{found.safety_share:.0f}% of safety-critical strings translated"
        )
        return [f"{language}: safety-critical string not translated: {msgid!r}" for msgid in found.safety_missing]

    def update_catalogues(self, base_dir: Path, languages: list[str]) -> None:
        paths = [catalogue_path(root, language) for root in catalogue_roots() for language in languages]
        before = {path: path.read_text(encoding="utf-8") for path in paths if path.exists()}
        # makemessages reads the tree under the current directory and names files relative to it.
        previous = Path.cwd()
        os.chdir(base_dir)
        try:
            call_command(
                "makemessages",
                locale=[to_locale(language) for language in languages],
                no_obsolete=True,
                # File names without line numbers: catalogues change only when messages do.
                add_location="file",
                ignore_patterns=IGNORED_BY_MAKEMESSAGES,
                verbosity=0,
            )
        finally:
            os.chdir(previous)
        # makemessages stamps the time into every catalogue; keep a file whose messages
        # did not change as it was, so that running the checks leaves git clean.
        for path, text in before.items():
            if _without_creation_date(path.read_text(encoding="utf-8")) == _without_creation_date(text):
                path.write_text(text, encoding="utf-8")
        for path in paths:
            language = path.parent.parent.name
            if path.exists() and language in PLURAL_FORMS:
                catalogue = polib.pofile(str(path))
                if "Plural-Forms" not in catalogue.metadata:
                    catalogue.metadata["Plural-Forms"] = PLURAL_FORMS[language]
                    catalogue.save()

    def catalogue_problems(self, path: Path, language: str, base_dir: Path) -> list[str]:
        where = path.relative_to(base_dir) if path.is_relative_to(base_dir) else path
        if not path.exists():
            return [f"{where}: missing; run `manage.py check_translations` to create it"]
        catalogue = polib.pofile(str(path))
        complete = language in settings.HARBOUR_COMPLETE_LANGUAGES
        problems = []
        if "Plural-Forms" not in catalogue.metadata:
            problems.append(f"{where}: the header has no Plural-Forms")
        missing = 0
        for entry in catalogue:
            if entry.obsolete:
                continue
            if is_done(entry):
                problems += [f"{where}: {problem}" for problem in placeholder_problems(entry)]
                continue
            missing += 1
            state = "fuzzy" if "fuzzy" in entry.flags else "untranslated"
            if complete:
                problems.append(f"{where}: {state}: {entry.msgid!r}")
            elif is_layout(entry):
                problems.append(f"{where}: {state} layout string (core/base.html): {entry.msgid!r}")
        if not complete:
            total = len([entry for entry in catalogue if not entry.obsolete])
            self.stdout.write(f"{where}: draft, {missing} of {total} entries not translated yet")
        return problems
