"""Every public page in every language, in Chromium: right to left where it should be, no safety string in English."""

from __future__ import annotations

import re

import polib
import pytest
from django.utils.translation import get_language_info
from playwright.sync_api import Page

from harbour.checks import safety_strings
from harbour.checks.catalogues import catalogue_path, catalogue_roots
from harbour.core.tests.browser.harness import LANGUAGE_CODES, PublicPage, public_pages, public_pages_with_parameters
from harbour.testing import make_cast

pytestmark = pytest.mark.browser

# Short words ("Yes", "Food") also occur in names and data; a sentence left in English is what this looks for.
SHORTEST_CHECKED = 16
# Titles of laws, which the recommendation tracker quotes as its sources name them.
TITLES = frozenset({"Immigration and Refugee Protection Act", "Palermo Protocol"})


def english_safety_sentences() -> list[str]:
    """Safety-critical msgids as a reader sees them: whitespace collapsed, without markup or placeholders."""
    french = [polib.pofile(str(catalogue_path(root, "fr"))) for root in catalogue_roots()]
    sentences = set()
    for msgid in safety_strings.required(french):
        if "%(" in msgid or "{" in msgid:
            continue
        text = " ".join(re.sub(r"<[^>]+>", "", msgid).split())
        if len(text) >= SHORTEST_CHECKED and text not in TITLES:
            sentences.add(text)
    return sorted(sentences)


def problems_on(page: Page, public: PublicPage, sentences: list[str]) -> list[str]:
    problems = []
    language = public.language or "en"
    direction = page.locator("html").get_attribute("dir")
    if get_language_info(language)["bidi"] and direction != "rtl":
        problems.append(f"{public}: dir={direction!r}, not rtl")
    if language != "en":
        shown = " ".join(page.inner_text("body").split())
        problems += [f"{public}: still in English: {sentence!r}" for sentence in sentences if sentence in shown]
    if get_language_info(language)["bidi"]:
        # A phone number keeps its order (1-833-900-1010, not 1010-900-833-1) inside right-to-left text.
        directions = page.eval_on_selector_all(
            'a[href^="tel:"]', "links => links.map(a => getComputedStyle(a).direction)"
        )
        if any(found != "ltr" for found in directions):
            problems.append(f"{public}: a phone number is laid out right to left")
    return problems


def test_every_public_page_in_every_language_reads_in_its_direction_and_translates_safety_strings(
    live_server, page: Page
) -> None:
    sentences = english_safety_sentences()
    assert len(sentences) > 100
    pages = [public for public in public_pages() if public.language] + public_pages_with_parameters(make_cast())
    assert {public.language for public in pages} == set(LANGUAGE_CODES)
    problems: list[str] = []
    for public in pages:
        response = page.goto(live_server.url + public.path)
        assert response is not None and response.status < 500, public
        problems += problems_on(page, public, sentences)
    assert problems == [], "\n".join(problems)


def test_the_self_check_result_is_in_every_language_with_its_answers(live_server, page: Page) -> None:
    sentences = english_safety_sentences()
    problems: list[str] = []
    for language in LANGUAGE_CODES:
        public = PublicPage("screening:self_check", language, f"/{language}/self-check/")
        page.goto(live_server.url + public.path)
        page.locator('input[name="q_threatened"][value="yes"]').check()
        page.locator('button[name="do"][value="result"]').click()
        page.wait_for_load_state()
        assert page.locator('input[type="hidden"][name="q_threatened"]').get_attribute("value") == "yes", language
        problems += problems_on(page, public, sentences)
    assert problems == [], "\n".join(problems)
