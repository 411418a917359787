"""Fact sheets: every topic other apps link to, translation statuses, the fallback notice, what visitors never see."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from harbour.rights import actions, topics
from harbour.rights.models import FactSheet, SheetText
from harbour.rights.views import OFFLINE_HEADER
from harbour.testing import Cast

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PRIORITY_SHEETS = [
    topics.TEMPORARY_RESIDENT_PERMIT,
    topics.EMERGENCY,
    topics.WHAT_WE_DO_WITH_WHAT_YOU_TELL_US,
    topics.FOREIGN_WORKER_RIGHTS,
]


def page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def english_edit(cast: Cast, slug: str, body_extra: str) -> SheetText:
    """The English original gets a new published version: written by alice, published by cora."""
    sheet = FactSheet.objects.get(slug=slug)
    current = sheet.published("en")
    assert current is not None
    draft = actions.sheet_text_draft(
        by=cast.alice,
        fact_sheet=sheet,
        language="en",
        title=current.title,
        summary=current.summary,
        body=current.body + "\n" + body_extra,
        sources=current.sources,
        quality=SheetText.Quality.ORIGINAL,
        change_note="test",
    )
    actions.sheet_text_submit(by=cast.alice, text=draft)
    actions.sheet_text_publish(by=cast.cora, text=draft)
    return draft


def test_every_slug_other_apps_link_to_serves_a_fact_sheet_in_every_language(rights_content) -> None:
    for slug in topics.ALL:
        for language in LANGUAGES:
            with translation.override(language):
                url = reverse("rights:fact_sheet", kwargs={"slug": slug})
            assert url == f"/{language}/rights/{slug}/"
            assert "<article" in page(url)


def test_the_most_needed_sheets_exist_in_all_ten_languages(rights_content) -> None:
    for slug in PRIORITY_SHEETS:
        sheet = FactSheet.objects.get(slug=slug)
        assert sorted(sheet.published_languages()) == sorted(LANGUAGES), slug


def test_every_sheet_exists_in_english_and_french_and_cites_dated_sources(rights_content) -> None:
    for sheet in FactSheet.objects.all():
        for language in ("en", "fr"):
            text = sheet.published(language)
            assert text is not None, (sheet.slug, language)
            assert text.sources and all(source["date"] and source["url"] for source in text.sources)
            assert text.reviewed_on is not None and text.reviewer


def test_a_draft_language_text_says_it_is_machine_assisted(rights_content) -> None:
    html = page("/es/rights/temporary-resident-permit/")
    assert 'lang="es"' in html
    assert "Un permiso para quedarse en Canadá" in html
    # The notice is in the visitor's language when the catalogue has it; here its status class is what we check.
    assert "status-machine_assisted" in html


def test_a_missing_translation_falls_back_to_english_with_a_notice(rights_content) -> None:
    html = page("/es/rights/health-care/")
    assert "Getting health care" in html
    assert 'class="notice fallback"' in html
    assert '<article class="fact-sheet" lang="en" dir="ltr">' in html
    # The notice offers the French version too.
    assert 'href="/fr/rights/health-care/"' in html


def test_the_fallback_keeps_an_arabic_page_right_to_left_but_the_english_article_left_to_right(rights_content) -> None:
    html = page("/ar/rights/child-protection/")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article class="fact-sheet" lang="en" dir="ltr">' in html


def test_a_reviewed_translation_says_so(rights_content) -> None:
    html = page("/fr/rights/emergency-help/")
    assert "status-reviewed" in html
    assert "Cette traduction a été révisée par une personne." in html


def test_a_translation_goes_out_of_date_when_the_original_changes(rights_content, cast: Cast) -> None:
    spanish = SheetText.objects.get(fact_sheet__slug="emergency-help", language="es", state="published")
    assert spanish.status() == SheetText.Quality.MACHINE_ASSISTED
    english_edit(cast, "emergency-help", "A new paragraph about shelters.")
    spanish.refresh_from_db()
    assert spanish.status() == SheetText.OUT_OF_DATE
    html = page("/es/rights/emergency-help/")
    assert "status-out_of_date" in html
    # Visitors are pointed at the current original.
    assert 'href="/en/rights/emergency-help/"' in html
    assert "A new paragraph about shelters." in page("/en/rights/emergency-help/")


def test_the_original_is_never_out_of_date(rights_content, cast: Cast) -> None:
    english_edit(cast, "emergency-help", "Another change.")
    text = FactSheet.objects.get(slug="emergency-help").published("en")
    assert text is not None and text.status() == SheetText.Quality.ORIGINAL


def test_a_translation_checked_against_the_new_original_is_up_to_date_again(rights_content, cast: Cast) -> None:
    english_edit(cast, "emergency-help", "Another change.")
    sheet = FactSheet.objects.get(slug="emergency-help")
    old = sheet.published("es")
    assert old is not None
    unchecked = actions.sheet_text_draft(
        by=cast.omar,
        fact_sheet=sheet,
        language="es",
        title=old.title,
        summary=old.summary,
        body=old.body,
        sources=old.sources,
        quality=SheetText.Quality.REVIEWED,
        change_note="typo",
    )
    assert unchecked.status() == SheetText.OUT_OF_DATE
    checked = actions.sheet_text_draft(
        by=cast.omar,
        fact_sheet=sheet,
        language="es",
        title=old.title,
        summary=old.summary,
        body=old.body + "\nOtro cambio.",
        sources=old.sources,
        quality=SheetText.Quality.REVIEWED,
        change_note="checked against the new English",
        checked_against_original=True,
    )
    assert checked.status() == SheetText.Quality.REVIEWED


def test_visitors_never_see_unpublished_text(rights_content, cast: Cast) -> None:
    sheet = FactSheet.objects.get(slug=topics.TEMPORARY_RESIDENT_PERMIT)
    current = sheet.published("en")
    assert current is not None
    secret = "UNPUBLISHED-WORDING-4711"
    draft = actions.sheet_text_draft(
        by=cast.alice,
        fact_sheet=sheet,
        language="en",
        title=f"{secret} title",
        summary=current.summary,
        body=f"{secret} body",
        sources=current.sources,
        quality=SheetText.Quality.ORIGINAL,
        change_note="draft",
    )
    new_translation = actions.sheet_text_draft(
        by=cast.alice,
        fact_sheet=FactSheet.objects.get(slug="health-care"),
        language="es",
        title=f"{secret} es",
        summary="",
        body=secret,
        sources=current.sources,
        quality=SheetText.Quality.DRAFT,
        change_note="draft",
    )
    for text in (draft, new_translation):
        for state in (SheetText.State.DRAFT, SheetText.State.IN_REVIEW):
            text.state = state
            text.save()
            for path in (
                "/en/rights/temporary-resident-permit/",
                "/en/rights/",
                "/es/rights/health-care/",
                "/es/rights/",
            ):
                assert secret not in page(path), (state, path)
            pdf = Client().get("/en/rights/temporary-resident-permit/?format=pdf").content
            assert secret.encode() not in pdf
    # Published by another editor, it appears.
    draft.state = SheetText.State.IN_REVIEW
    draft.save()
    actions.sheet_text_publish(by=cast.cora, text=draft)
    assert secret in page("/en/rights/temporary-resident-permit/")


def test_a_writer_cannot_publish_their_own_text(rights_content, cast: Cast) -> None:
    sheet = FactSheet.objects.get(slug=topics.EMERGENCY)
    current = sheet.published("en")
    assert current is not None
    draft = actions.sheet_text_draft(
        by=cast.alice,
        fact_sheet=sheet,
        language="en",
        title=current.title,
        summary=current.summary,
        body=current.body + "\nMore.",
        sources=current.sources,
        quality=SheetText.Quality.ORIGINAL,
        change_note="more",
    )
    actions.sheet_text_submit(by=cast.alice, text=draft)
    with pytest.raises(PermissionDenied):
        actions.sheet_text_publish(by=cast.alice, text=draft)
    draft.refresh_from_db()
    assert draft.state == SheetText.State.IN_REVIEW


def test_publishing_keeps_the_old_version_in_the_history(rights_content, cast: Cast) -> None:
    before = FactSheet.objects.get(slug=topics.EMERGENCY).published("en")
    new = english_edit(cast, topics.EMERGENCY, "Version two.")
    assert before is not None
    before.refresh_from_db()
    assert before.state == SheetText.State.RETIRED
    assert new.number == before.number + 1
    assert new.reviewer.startswith("Cora")
    client = Client()
    client.force_login(cast.cora)
    history = client.get(reverse("rights:sheet_history", kwargs={"slug": topics.EMERGENCY})).content.decode()
    assert "Version two." not in history  # the history lists versions, not their text
    assert history.count("Replaced by a newer version") >= 1


def test_editing_through_the_pages_keeps_what_was_typed_on_a_mistake(rights_content, cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    url = reverse("rights:text_new", kwargs={"slug": topics.EMERGENCY, "language": "en"})
    response = client.post(
        url,
        {"title": "Kept title", "summary": "", "body": "Kept body", "sources": "only two | parts", "change_note": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept title" in html and "Kept body" in html
    assert "needs four parts" in html


def test_the_editing_steps_through_the_pages(rights_content, cast: Cast) -> None:
    alice, cora = Client(), Client()
    alice.force_login(cast.alice)
    cora.force_login(cast.cora)
    url = reverse("rights:text_new", kwargs={"slug": topics.EMERGENCY, "language": "th"})
    response = alice.post(
        url,
        {
            "title": "ขอความช่วยเหลือ",
            "summary": "",
            "body": "ข้อความใหม่ที่ตรวจแล้ว",
            "sources": "Hotline | Centre | https://www.canadianhumantraffickinghotline.ca/ | 2026-11",
            "quality": "reviewed",
            "checked_against_original": "on",
            "change_note": "reviewed by a Thai speaker",
        },
    )
    assert response.status_code == 302
    text = SheetText.objects.get(fact_sheet__slug=topics.EMERGENCY, language="th", state="draft")
    detail = reverse("rights:text_detail", kwargs={"pk": text.pk})
    alice.post(detail, {"step": "submit"})
    alice.post(detail, {"step": "publish"})  # refused: alice wrote it
    text.refresh_from_db()
    assert text.state == SheetText.State.IN_REVIEW
    cora.post(detail, {"step": "publish"})
    text.refresh_from_db()
    assert text.state == SheetText.State.PUBLISHED
    html = page("/th/rights/emergency-help/")
    assert "ข้อความใหม่ที่ตรวจแล้ว" in html
    assert "status-reviewed" in html


def test_a_city_package_links_to_the_directory_by_need_around_the_city(rights_content) -> None:
    html = page("/en/rights/help/toronto/")
    assert 'href="tel:18339001010"' in html
    search = reverse("directory:search")
    assert f'href="{search}?need=labour-rights&amp;postcode=M5V"' in html
    assert f'href="{search}?need=shelter&amp;postcode=M5V"' in html


def test_only_a_visitors_fact_sheet_is_marked_for_the_offline_worker(rights_content, cast: Cast) -> None:
    sheet = reverse("rights:fact_sheet", kwargs={"slug": topics.TEMPORARY_RESIDENT_PERMIT})
    assert Client().get(sheet)[OFFLINE_HEADER] == "keep"
    member = Client()
    member.force_login(cast.bob)
    assert OFFLINE_HEADER not in member.get(sheet)
    # Nothing else a visitor opens is kept: the index, a city's help, the library, a PDF.
    for path in (
        reverse("rights:index"),
        reverse("rights:package", kwargs={"slug": "toronto"}),
        reverse("rights:library"),
        sheet + "?format=pdf",
    ):
        assert OFFLINE_HEADER not in Client().get(path), path
