"""Fact sheets as PDF files, with WeasyPrint: real text in every script, fonts from the system, nothing fetched.

Pango shapes Arabic, Gurmukhi and Thai, and fontconfig finds Debian's Noto
fonts (scripts/system-deps installs them). WeasyPrint is given a URL fetcher
that refuses everything: the stylesheet is passed in as a string, so a PDF
can never make Harbour ask another host for anything.

The text layer. WeasyPrint maps each glyph of a font to one text for the whole
PDF (its ToUnicode map), first come first served. Shaped scripts break that:
a Thai vowel glyph, a Gurmukhi conjunct or an Arabic letter drawn as a
skeleton plus a shared dots glyph stands for different text in different
places, so copied text or a screen reader got other letters than the page
shows (WeasyPrint issue 2841, open; the pinned 70.0 and no later release
fixes it). PDF's own answer is a marked-content span with /ActualText: the
text a run of glyphs stands for, in logical order, which readers use instead
of the glyph map. `_with_actual_text` wraps WeasyPrint's drawing of each line
of each text box in such a span, holding that text box's own text, so every
PDF WeasyPrint writes in this process carries it (respond's plans as well).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import pydyf  # type: ignore[import-untyped]  # pydyf ships no type information
from django.template.loader import render_to_string
from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type information
from weasyprint.draw import text as weasyprint_text  # type: ignore[import-untyped]  # no type information
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # WeasyPrint ships no type information

STYLESHEET = Path(__file__).resolve().parent / "static" / "rights" / "sheet-pdf.css"


class FetchRefused(Exception):
    pass


class RefusingFetcher(URLFetcher):  # type: ignore[misc]
    """Answers every request a document makes (stylesheet, image, font) with a refusal."""

    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        self.refused.append(url)
        raise FetchRefused(f"a PDF may not fetch {url}")

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=[])
        self.refused: list[str] = []


def _with_actual_text(draw_first_line: Any) -> Any:
    """WeasyPrint's `draw_first_line`, with the line's glyphs inside a /Span carrying /ActualText."""

    def draw(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any) -> Any:
        text = textbox.text
        # An ellipsis changes the text drawn (the box's text no longer says what is shown): left as it is.
        if not text.strip() or text_overflow == "ellipsis" or block_ellipsis != "none":
            return draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        finally:
            stream.end_marked_content()

    draw.harbour_actual_text = True  # type: ignore[attr-defined]
    draw.harbour_original = draw_first_line  # type: ignore[attr-defined]
    return draw


if not getattr(weasyprint_text.draw_first_line, "harbour_actual_text", False):
    weasyprint_text.draw_first_line = _with_actual_text(weasyprint_text.draw_first_line)


def fact_sheet_html(context: dict[str, Any]) -> str:
    """The document the PDF is made from: its text is what the PDF's text layer must say."""
    return render_to_string("rights/fact_sheet_pdf.html", context)


def fact_sheet_pdf(context: dict[str, Any]) -> bytes:
    html = fact_sheet_html(context)
    fetcher = RefusingFetcher()
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf
