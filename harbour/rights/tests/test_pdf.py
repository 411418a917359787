"""Every fact sheet downloads as a PDF whose text is real text in its own script."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.test import Client
from pypdf import PdfReader
from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type information

from harbour.rights import topics
from harbour.rights.pdf import RefusingFetcher

# A phrase from each script's fact sheet, as the reader should find it in the PDF.
PHRASES = {
    "en": ("temporary-resident-permit", "You do not have to testify against anyone"),
    "fr": ("temporary-resident-permit", "Vous n’avez pas à témoigner"),
    "zh-hans": ("temporary-resident-permit", "遭受人口贩卖的人"),
    # Text extraction may put a pre-base vowel sign (ਿ) in visual order: the phrase has none.
    "pa": ("temporary-resident-permit", "ਲੰਘੇ ਲੋਕਾਂ ਲਈ ਕੈਨੇਡਾ"),
    "ar": ("temporary-resident-permit", "تصريح"),
    "th": ("temporary-resident-permit", "ใบอนุญาต"),
    "uk": ("emergency-help", "Небезпека зараз"),
    "vi": ("emergency-help", "Đang gặp nguy hiểm"),
}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Shaped Arabic may come back as presentation forms; NFKC folds them to the letters typed.
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("language", sorted(PHRASES))
def test_the_pdf_holds_the_sheet_as_text_in_its_script(rights_content, language: str) -> None:
    slug, phrase = PHRASES[language]
    response = Client().get(f"/{language}/rights/{slug}/?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"harbour-{slug}-{language}.pdf" in response["Content-Disposition"]
    text = compact(pdf_text(response.content))
    wanted = compact(unicodedata.normalize("NFKC", phrase))
    # Right-to-left text may be extracted in visual order: accept either reading direction.
    assert wanted in text or wanted[::-1] in text, text[:400]


def test_every_topic_downloads_as_a_pdf_in_english(rights_content) -> None:
    for slug in topics.ALL:
        response = Client().get(f"/en/rights/{slug}/?format=pdf")
        assert response.status_code == 200, slug
        assert response.content.startswith(b"%PDF")


def test_a_pdf_never_fetches_anything() -> None:
    fetcher = RefusingFetcher()
    html = '<p>Hello</p><img src="https://tracker.example/pixel.png" alt=""><link rel="stylesheet" href="http://x.example/a.css">'
    HTML(string=html, url_fetcher=fetcher, base_url="about:blank").write_pdf()
    assert "https://tracker.example/pixel.png" in fetcher.refused
