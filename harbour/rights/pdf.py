"""Fact sheets as PDF files, with WeasyPrint: real text in every script, fonts from the system, nothing fetched.

Pango shapes Arabic, Gurmukhi and Thai, and fontconfig finds Debian's Noto
fonts (scripts/system-deps installs them). WeasyPrint is given a URL fetcher
that refuses everything: the stylesheet is passed in as a string, so a PDF
can never make Harbour ask another host for anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from django.template.loader import render_to_string
from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type information
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


def fact_sheet_pdf(context: dict[str, Any]) -> bytes:
    html = render_to_string("rights/fact_sheet_pdf.html", context)
    fetcher = RefusingFetcher()
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf
