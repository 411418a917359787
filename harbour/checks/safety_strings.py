"""Which strings a frightened person needs first, and which are public: the checks and the figures read them.

Safety-critical strings must be translated in every public language, drafts
included (`check_translations` fails otherwise): the layout with its quick
exit, the home page (what to do in danger, using the site safely), the privacy
page, help by city, the notice that fact sheets stay on the phone, and every
word the self-check can show. A string is safety-critical when it comes from a
file named in SAFETY_SOURCES, or is one of the msgids of `safety_msgids()`
(strings from files that also hold other strings).

Public strings are those from the files public pages are made of
(PUBLIC_SOURCES); a Python file that serves public and member pages alike
counts whole, so the public share is if anything an underestimate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import polib

# Every string from these files is safety-critical.
SAFETY_SOURCES = frozenset(
    {
        "harbour/core/templates/core/base.html",
        "harbour/core/templates/core/home.html",
        "harbour/core/templates/core/privacy.html",
        "harbour/screening/templates/screening/self_check.html",
        "harbour/screening/templates/screening/self_check_result.html",
        "harbour/screening/templates/screening/_questions.html",
        "harbour/rights/templates/rights/package.html",
    }
)

# Files that public pages are made of (beyond SAFETY_SOURCES).
PUBLIC_SOURCES = SAFETY_SOURCES | {
    "harbour/core/templates/core/error.html",
    "harbour/core/templates/core/form.html",
    "harbour/core/views.py",
    "harbour/core/forms.py",
    "harbour/core/access.py",
    "harbour/core/templatetags/bidi.py",
    "harbour/screening/labels.py",
    "harbour/screening/catalogue_strings.py",
    "harbour/screening/views.py",
    "harbour/directory/templates/directory/search.html",
    "harbour/directory/templates/directory/service.html",
    "harbour/directory/templates/directory/_result.html",
    "harbour/directory/templates/directory/_hours.html",
    "harbour/directory/templates/directory/_language.html",
    "harbour/directory/templates/directory/_beds.html",
    "harbour/directory/cards.py",
    "harbour/directory/forms.py",
    "harbour/directory/search.py",
    "harbour/directory/vocabulary.py",
    "harbour/rights/templates/rights/index.html",
    "harbour/rights/templates/rights/fact_sheet.html",
    "harbour/rights/templates/rights/library.html",
    "harbour/rights/views.py",
    "harbour/rights/forms.py",
    "harbour/rights/topics.py",
    "harbour/rights/needs.py",
    "harbour/network/templates/network/recommendations.html",
    "harbour/network/templates/network/recommendation_detail.html",
    "harbour/network/recommendations.py",
    "harbour/reports/templates/reports/start.html",
    "harbour/reports/templates/reports/_promise.html",
    "harbour/reports/templates/reports/write.html",
    "harbour/reports/templates/reports/receipt.html",
    "harbour/reports/templates/reports/return.html",
    "harbour/reports/templates/reports/thread.html",
    "harbour/reports/forms.py",
    "harbour/reports/attachments.py",
    "harbour/reports/views.py",
}


@cache
def safety_msgids() -> frozenset[str]:
    """Safety-critical strings that live in files with other strings: the self-check's words, help by city's notes."""
    # Imported here: this module is read by build-time checks, which sit above every app.
    from django.utils import translation

    from harbour.rights import views as rights_views
    from harbour.rights.needs import NEED_LABELS, PACKAGE_NEEDS
    from harbour.screening import catalogue as catalogue_module
    from harbour.screening import labels

    catalogue = catalogue_module.load()
    with translation.override(None):  # lazy labels read as their msgids
        return frozenset(
            _self_check_words(catalogue, labels) + _help_by_city_words(rights_views, NEED_LABELS, PACKAGE_NEEDS)
        )


def _self_check_words(catalogue: Any, labels: Any) -> list[str]:
    words: list[str] = []
    words += [text for section in catalogue.sections for text in (section.title, section.intro)]
    words += [question.text for question in catalogue.questions]
    words += [dimension.label for dimension in catalogue.dimensions]
    words += [indicator.label for indicator in catalogue.indicators]
    words += [definition.label for definition in catalogue.definitions]
    words += [str(label) for _value, label in labels.ANSWER_CHOICES]
    words += [str(label) for label in labels.READING_PLAIN.values()]
    words += [str(label) for label in labels.RIGHTS.values()]
    words += [str(label) for label in labels.NEED.values()]
    words += [
        "An answer could not be read; please choose it again: %(question)s",
        # The fact-sheet notice that opened pages stay on the phone.
        "Pages you open here stay readable on this phone without internet. “Leave this site now” erases them.",
    ]
    return words


def _help_by_city_words(rights_views: Any, need_labels: dict[str, Any], package_needs: tuple[str, ...]) -> list[str]:
    return [*rights_views.PACKAGE_NOTES.values(), *(str(need_labels[code]) for code in package_needs)]


def is_safety(entry: polib.POEntry) -> bool:
    return any(path in SAFETY_SOURCES for path, _line in entry.occurrences) or entry.msgid in safety_msgids()


def is_public(entry: polib.POEntry) -> bool:
    return is_safety(entry) or any(path in PUBLIC_SOURCES for path, _line in entry.occurrences)


def is_done(entry: polib.POEntry) -> bool:
    return entry.translated() and "fuzzy" not in entry.flags


@dataclass
class Coverage:
    """How much of one language is translated: public strings and safety-critical strings."""

    language: str
    public: int = 0
    public_done: int = 0
    safety: int = 0
    safety_done: int = 0
    safety_missing: tuple[str, ...] = ()

    @staticmethod
    def share(done: int, total: int) -> float:
        return 100.0 if total == 0 else 100.0 * done / total

    @property
    def public_share(self) -> float:
        return self.share(self.public_done, self.public)

    @property
    def safety_share(self) -> float:
        return self.share(self.safety_done, self.safety)


def required(catalogues: Iterable[polib.POFile]) -> frozenset[str]:
    """The safety-critical msgids of a complete language's catalogues: what every other language must have."""
    return frozenset(
        entry.msgid for catalogue in catalogues for entry in catalogue if not entry.obsolete and is_safety(entry)
    )


def coverage(language: str, catalogues: Iterable[polib.POFile], must_have: frozenset[str]) -> Coverage:
    """Counts one language's catalogues: public entries, and safety-critical strings by msgid.

    Django reads every catalogue of a language together, so a safety-critical string is translated
    when any catalogue translates it (a word such as "Debt bondage" may sit in two apps' catalogues);
    a msgid of `must_have` found translated in none of them counts as missing.
    """
    result = Coverage(language)
    safety: set[str] = set(must_have)
    done_safety: set[str] = set()
    for catalogue in catalogues:
        for entry in catalogue:
            if entry.obsolete or not is_public(entry):
                continue
            done = is_done(entry)
            result.public += 1
            result.public_done += done
            if is_safety(entry):
                safety.add(entry.msgid)
                if done:
                    done_safety.add(entry.msgid)
    result.safety = len(safety)
    result.safety_done = len(done_safety)
    result.safety_missing = tuple(sorted(safety - done_safety))
    return result
