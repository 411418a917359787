"""The case list links each case to its page, fifty to a page, most recently changed first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.cases.views import CASES_PER_PAGE
from harbour.testing import Cast, signed_in


@pytest.mark.django_db
def test_the_case_list_links_each_case_and_pages_by_fifty(cast: Cast) -> None:
    cases = [case_open(by=cast.bob, summary=f"case {n}", consent=CASE_CONSENT) for n in range(CASES_PER_PAGE + 1)]
    client = signed_in(cast.hana)
    first = client.get(reverse("cases:case_list")).content.decode()
    second = client.get(reverse("cases:case_list") + "?page=2").content.decode()
    newest, oldest = cases[-1], cases[0]
    assert f'href="{reverse("cases:case_detail", args=[newest.reference])}"' in first
    assert oldest.reference not in first and oldest.reference in second
    assert client.get(reverse("cases:case_detail", args=[newest.reference])).status_code == 200
