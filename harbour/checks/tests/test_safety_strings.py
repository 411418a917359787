"""Safety-critical strings are translated in every public language, and `make messages` fails when one is not."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import LazySettings, settings

from harbour.checks import safety_strings
from harbour.checks.catalogues import catalogue_path, catalogue_roots, translated_languages
from harbour.checks.tests import small_catalogues
from harbour.screening import catalogue as screening_catalogue

HOME = [("harbour/core/templates/core/home.html", "")]
SELF_CHECK_QUESTIONS = [("harbour/screening/catalogue_strings.py", "")]
MEMBERS_ONLY = [("harbour/network/views.py", "")]


def run_check(settings: LazySettings, tmp_path: Path, fr: list[polib.POEntry], th: list[polib.POEntry]) -> str:
    return small_catalogues.run_check(settings, tmp_path, fr, th, draft_language="th")


def danger(msgstr: str) -> polib.POEntry:
    return polib.POEntry(msgid="If you are in danger now", msgstr=msgstr, occurrences=HOME)


def test_an_untranslated_safety_string_in_a_draft_language_fails(settings: LazySettings, tmp_path: Path) -> None:
    problems = run_check(settings, tmp_path, [danger("Si vous êtes en danger maintenant")], [danger("")])
    assert "th: safety-critical string not translated: 'If you are in danger now'" in problems


def test_a_safety_string_missing_from_a_draft_catalogue_fails(settings: LazySettings, tmp_path: Path) -> None:
    problems = run_check(settings, tmp_path, [danger("Si vous êtes en danger maintenant")], [])
    assert "th: safety-critical string not translated: 'If you are in danger now'" in problems


def test_a_translated_safety_string_and_an_untranslated_member_string_pass(
    settings: LazySettings, tmp_path: Path
) -> None:
    fr = [
        danger("Si vous êtes en danger maintenant"),
        polib.POEntry(msgid="Staff", msgstr="Équipe", occurrences=MEMBERS_ONLY),
    ]
    th = [danger("หากคุณกำลังตกอยู่ในอันตราย"), polib.POEntry(msgid="Staff", msgstr="", occurrences=MEMBERS_ONLY)]
    assert run_check(settings, tmp_path, fr, th) == ""


def test_every_word_the_self_check_shows_is_safety_critical() -> None:
    questions = screening_catalogue.load().questions
    for question in questions:
        assert safety_strings.is_safety(polib.POEntry(msgid=question.text, occurrences=SELF_CHECK_QUESTIONS))
    worker_only = polib.POEntry(msgid="Pause", occurrences=[("harbour/screening/templates/screening/worker.html", "")])
    assert not safety_strings.is_safety(worker_only)


def test_every_public_language_translates_every_safety_string() -> None:
    """The figures of docs/languages.md: 100% of safety-critical strings in all ten languages."""
    french = [polib.pofile(str(catalogue_path(root, "fr"))) for root in catalogue_roots()]
    must_have = safety_strings.required(french)
    assert len(must_have) > 200  # the self-check alone has more than 150
    for language in translated_languages():
        paths = [catalogue_path(root, language) for root in catalogue_roots()]
        found = safety_strings.coverage(language, [polib.pofile(str(p)) for p in paths if p.exists()], must_have)
        assert found.safety_missing == (), (language, found.safety_missing[:5])
        assert found.safety_share == 100.0
        assert 0 < found.public_share <= 100.0
    assert "ar" in [code for code, _name in settings.LANGUAGES]
