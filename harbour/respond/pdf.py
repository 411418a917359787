"""A response plan on one printed page, as a PDF (WeasyPrint, with the rights app's refusing fetcher)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type information

from harbour.rights.pdf import RefusingFetcher

STYLESHEET = Path(__file__).resolve().parent / "static" / "respond" / "plan-pdf.css"


def plan_pdf(context: dict[str, Any]) -> bytes:
    html = render_to_string("respond/plan_pdf.html", context)
    fetcher = RefusingFetcher()
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf
