"""axe-core finds no accessibility violation on any public page, in any language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from harbour.core.tests.browser.harness import (
    LANGUAGE_CODES,
    axe_violations,
    public_pages,
    public_pages_with_parameters,
)
from harbour.testing import make_cast

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_public_pages_have_no_accessibility_violations(live_server, page: Page, language: str):
    pages = public_pages([language]) + public_pages_with_parameters(make_cast(), [language])
    problems = []
    for public in pages:
        if public.language is None:
            continue
        page.goto(live_server.url + public.path)
        problems += [f"{public}: {violation}" for violation in axe_violations(page)]
    assert not problems, "\n".join(problems)
