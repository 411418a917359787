"""The pages nginx shows itself when Harbour does not answer."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from harbour.operations.deploy import write_error_pages


def test_when_harbour_is_down_the_quick_exit_goes_straight_to_the_neutral_site(tmp_path: Path):
    # /leave is Harbour's own answer: while Harbour is down it would fail, and the person could not leave.
    page = next(p for p in write_error_pages(tmp_path) if p.name == "502.html").read_text(encoding="utf-8")
    assert f'id="quick-exit" class="quick-exit" href="{settings.HARBOUR_QUICK_EXIT_URL}"' in page
    assert f'href="{reverse("leave")}"' not in page
