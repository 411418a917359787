"""Every fact sheet downloads as a PDF whose text layer says, in every script, what the sheet says."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata

import lxml.html
import pikepdf
import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type information
from weasyprint.draw import text as weasyprint_text  # type: ignore[import-untyped]  # no type information

from harbour.rights import topics, views
from harbour.rights.models import FactSheet, SheetText
from harbour.rights.pdf import RefusingFetcher, fact_sheet_html, fact_sheet_pdf

# Every published text in the scripts that need shaping (Arabic, Gurmukhi, Thai); one sheet in the others.
SHAPED = ("ar", "pa", "th")
LANGUAGES = ("en", "fr", "es", "tl", "zh-hans", "ar", "pa", "uk", "th", "vi")

PAGE_FOOTER = re.compile(r"\s*\d+ / \d+\s*")


def pdftotext(content: bytes) -> str:
    """The PDF's text as poppler reads it (poppler honours /ActualText; pypdf and pdfminer.six do not)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def comparable(text: str) -> str:
    """What must agree: the characters, in NFC, without whitespace (line breaks fall elsewhere on paper), list
    bullets (drawn, not written) or hyphens (poppler joins a word broken at a line's end, dropping its hyphen)."""
    return re.sub(r"[\s•-]", "", unicodedata.normalize("NFC", text))


def pdf_reads(content: bytes) -> str:
    """The PDF's text in reading order, without the page numbers of the page footers."""
    lines = pdftotext(content).splitlines()
    return comparable("\n".join(line for line in lines if not PAGE_FOOTER.fullmatch(line)))


def actual_texts(content: bytes) -> list[str]:
    """The /ActualText of every span, in the order the pages draw them; fails on text drawn outside a span."""
    found: list[str] = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            spans: list[str | None] = []
            for instruction in pikepdf.parse_content_stream(page):
                if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                    continue
                name = str(instruction.operator)
                if name == "BDC":
                    properties = instruction.operands[1]
                    actual = properties.get("/ActualText") if isinstance(properties, pikepdf.Dictionary) else None
                    spans.append(None if actual is None else str(actual))
                elif name == "BMC":
                    spans.append(None)
                elif name == "EMC":
                    span = spans.pop()
                    if span is not None:
                        found.append(span)
                elif name in {"Tj", "TJ", "'", '"'}:
                    assert any(span is not None for span in spans), "text drawn outside an /ActualText span"
    return found


def sheet_documents(slug: str, language: str) -> tuple[str, bytes]:
    """The HTML a fact sheet's PDF is made from, and the PDF, as the view makes them."""
    sheet = FactSheet.objects.get(slug=slug)
    with translation.override(language):
        context = views._sheet_context(RequestFactory().get(f"/{language}/rights/{slug}/"), sheet)
        assert context["text"].language == language, (slug, language)
        return fact_sheet_html(context), fact_sheet_pdf(context)


def first_difference(found: str, wanted: str) -> str:
    pairs = enumerate(zip(found, wanted, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), min(len(found), len(wanted)))
    return f"differs at {at}: PDF {found[at - 20 : at + 20]!r}, sheet {wanted[at - 20 : at + 20]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdfs_text_layer_says_what_the_sheet_says(rights_content, language: str) -> None:
    texts = SheetText.objects.filter(language=language, state=SheetText.State.PUBLISHED)
    slugs = sorted(texts.values_list("fact_sheet__slug", flat=True))
    if language not in SHAPED:
        slugs = ["temporary-resident-permit"]
    assert slugs
    for slug in slugs:
        html, pdf = sheet_documents(slug, language)
        wanted = comparable(lxml.html.fromstring(html).body.text_content())
        # What the PDF says: its spans' text, in drawing order (the page numbers are the footers' spans).
        spans = comparable("".join(text for text in actual_texts(pdf) if not PAGE_FOOTER.fullmatch(text)))
        assert spans == wanted, f"{slug} ({language}) {first_difference(spans, wanted)}"
        # What a reader gets: poppler, line by line. Right to left, poppler lays an /ActualText span's letters out
        # left to right and orders a line's spans by its own word-building, so Arabic is checked on the spans above.
        if language != "ar":
            found = pdf_reads(pdf)
            assert found == wanted, f"{slug} ({language}), as poppler reads it, {first_difference(found, wanted)}"


def test_the_text_layer_is_wrong_without_actual_text(rights_content, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above can fail: WeasyPrint's own glyph map, read without the spans, gets Thai wrong."""
    html, pdf = sheet_documents("temporary-resident-permit", "th")
    wanted = comparable(lxml.html.fromstring(html).body.text_content())
    assert pdf_reads(pdf) == wanted
    monkeypatch.setattr(weasyprint_text, "draw_first_line", weasyprint_text.draw_first_line.harbour_original)
    _, bare = sheet_documents("temporary-resident-permit", "th")
    with pytest.raises(AssertionError, match="outside an /ActualText span"):
        actual_texts(bare)
    assert pdf_reads(bare) != wanted


def test_every_topic_downloads_as_a_pdf_in_english(rights_content) -> None:
    for slug in topics.ALL:
        response = Client().get(f"/en/rights/{slug}/?format=pdf")
        assert response.status_code == 200, slug
        assert response["Content-Type"] == "application/pdf"
        assert f"harbour-{slug}-en.pdf" in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF")


def test_a_pdf_never_fetches_anything() -> None:
    fetcher = RefusingFetcher()
    html = '<p>Hello</p><img src="https://tracker.example/pixel.png" alt=""><link rel="stylesheet" href="http://x.example/a.css">'
    HTML(string=html, url_fetcher=fetcher, base_url="about:blank").write_pdf()
    assert "https://tracker.example/pixel.png" in fetcher.refused
