"""The consent wording exists in every public language, and each version is pinned to its English text."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings

from harbour.cases import wording
from harbour.cases.wording import WORDINGS, wording_in

NON_ENGLISH = [code for code, _name in settings.LANGUAGES if code != "en"]

# Each wording version and the first 16 hex digits of the SHA-256 of its English text.
# Editing a text without giving it a new version fails here: records name the version
# they were shown, so one version must always mean one text. A new wording gets a new
# version (and its own line here); the old version's text is kept in the records.
PINNED_VERSIONS = {
    "open_case-2026-1": "282f1cfd28e1226f",
    "refer-2026-1": "c0b387be2579d518",
    "contact-2026-1": "b441f042b368b863",
    "statistics-2026-1": "57905a43ac545a67",
}


def test_the_public_languages_are_the_ten_harbour_serves() -> None:
    assert set(NON_ENGLISH) == {"fr", "es", "tl", "zh-hans", "pa", "ar", "uk", "th", "vi"}


@pytest.mark.parametrize("language", NON_ENGLISH)
def test_every_consent_wording_is_written_in_every_public_language(language: str) -> None:
    missing = []
    for purpose, source in WORDINGS.items():
        shown, shown_in = wording_in(purpose, language)
        if shown_in != language or shown.text == source.text or not shown.text.strip():
            missing.append(purpose)
        assert shown.version == source.version
    assert missing == [], f"{language} lacks the consent wording for {missing}"


def test_a_language_without_a_text_shows_and_records_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wording, "gettext", lambda text: text)
    shown, shown_in = wording_in("refer", "th")
    assert shown_in == "en" and shown.text == WORDINGS["refer"].text
    assert wording_in("refer", "xx") == (WORDINGS["refer"], "en")


def test_each_wording_version_is_pinned_to_its_english_text() -> None:
    hashes = {w.version: hashlib.sha256(w.text.encode()).hexdigest()[:16] for w in WORDINGS.values()}
    assert hashes == PINNED_VERSIONS, "a consent text changed: give it a new version and pin that"
    assert len({w.version for w in WORDINGS.values()}) == len(WORDINGS)
