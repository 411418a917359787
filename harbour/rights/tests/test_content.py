"""Loading content files (all or nothing, never over an editor's work) and the fact-sheet text format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from harbour.rights.loading import CONTENT_DIR, ContentError, load_content
from harbour.rights.models import CourseCompletion, CourseModule, FactSheet, Package, SheetText
from harbour.rights.text import render


def copy_of_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_loading_twice_adds_nothing_the_second_time(db) -> None:
    first = load_content()
    assert first.sheets == 7 and len(first.texts_added) >= 7 * 2 + 4 * 8
    second = load_content()
    assert second.texts_added == []
    assert Package.objects.count() == 6 and CourseModule.objects.count() == 4


def test_a_broken_file_loads_nothing_at_all(db, tmp_path: Path) -> None:
    content = copy_of_content(tmp_path)
    (content / "fact_sheets" / "health-care" / "fr.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(ContentError, match="health-care/fr.md"):
        load_content(content)
    assert not FactSheet.objects.exists() and not SheetText.objects.exists()


def test_an_unquoted_province_code_is_refused(db, tmp_path: Path) -> None:
    content = copy_of_content(tmp_path)
    sheet = content / "fact_sheets" / "health-care" / "sheet.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("provinces: []", "provinces: [ON]"), encoding="utf-8")
    with pytest.raises(ContentError, match="unknown provinces"):
        load_content(content)


def test_update_publishes_a_changed_file_as_a_new_version_and_makes_translations_out_of_date(db, tmp_path) -> None:
    content = copy_of_content(tmp_path)
    load_content(content)
    english = content / "fact_sheets" / "emergency-help" / "en.md"
    english.write_text(english.read_text(encoding="utf-8") + "\nA sentence added later.\n", encoding="utf-8")
    assert load_content(content).texts_added == []  # without --update, an editor's published text is kept
    report = load_content(content, update=True)
    assert report.texts_added == ["emergency-help:en"]
    sheet = FactSheet.objects.get(slug="emergency-help")
    assert sheet.texts.filter(language="en").count() == 2
    spanish = sheet.published("es")
    assert spanish is not None and spanish.status() == SheetText.OUT_OF_DATE


def test_update_brings_a_corrected_course_module_and_keeps_completions(db, tmp_path, cast) -> None:
    content = copy_of_content(tmp_path)
    load_content(content)
    module = CourseModule.objects.get(slug="protection-paths")
    CourseCompletion.objects.create(member=cast.bob, module=module, score=100)
    course = content / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace("Protection and status", "Protection, status"))
    load_content(content)
    module.refresh_from_db()
    assert module.words("en")["title"] == "Protection and status"  # without --update, nothing changes
    load_content(content, update=True)
    module.refresh_from_db()
    assert module.words("en")["title"] == "Protection, status"
    assert CourseCompletion.objects.filter(member=cast.bob, module=module).exists()


def test_a_translated_quiz_whose_answers_differ_from_the_english_is_refused(db, tmp_path: Path) -> None:
    content = copy_of_content(tmp_path)
    course = content / "course.yaml"
    modules = yaml.safe_load(course.read_text(encoding="utf-8"))
    modules[0]["content"]["fr"]["quiz"][0]["answer"] = (modules[0]["content"]["en"]["quiz"][0]["answer"] + 1) % 2
    course.write_text(yaml.safe_dump(modules, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="differ from the English"):
        load_content(content)
    assert not CourseModule.objects.exists()


def test_the_command_says_nothing_was_loaded_on_an_error(db, tmp_path: Path, monkeypatch) -> None:
    content = copy_of_content(tmp_path)
    (content / "course.yaml").write_text("- slug: x\n  content: {en: {quiz: [{answer: 5, choices: [a]}]}}\n")
    monkeypatch.setattr(
        "harbour.rights.management.commands.load_rights_content.load_content",
        lambda update: load_content(content, update=update),
    )
    with pytest.raises(Exception, match="nothing was loaded"):
        call_command("load_rights_content")
    assert not SheetText.objects.exists()


def test_the_text_format_escapes_html_and_refuses_script_links() -> None:
    html = render("<script>alert(1)</script>\n\n[click](javascript:alert(1)) and [call](tel:911) **now**")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="tel:911">call</a>' in html
    assert "<strong>now</strong>" in html


@pytest.mark.parametrize(
    "address",
    ["/\\evil.example/x", "\\\\evil.example/x", "//evil.example/x", "/\\/evil.example", "/%5C%5Cok/\\x", "/x\x01y"],
)
def test_a_link_that_would_leave_the_site_is_only_text(address: str) -> None:
    html = render(f"[help]({address}) here")
    assert "<a " not in html


def test_a_path_on_this_site_is_a_link() -> None:
    assert '<a href="/fr/rights/?q=pay#top">help</a>' in render("[help](/fr/rights/?q=pay#top)")


def test_the_text_format_makes_headings_lists_and_paragraphs() -> None:
    html = render("## Pay\n\n- one\n- two\n\nA paragraph\non two lines.")
    assert html == "<h2>Pay</h2>\n<ul><li>one</li><li>two</li></ul>\n<p>A paragraph on two lines.</p>"
