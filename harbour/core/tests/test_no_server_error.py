"""Bad input gets a message, never a 500: arbitrary values in every form and query parameter of every view.

Every URL pattern is walked (as in the access walk), as someone the page lets in. The page is
read for its forms (every input, select and textarea, with their options); hypothesis fills them
with arbitrary and hostile values (control characters, huge numbers, impossible dates, deep
nesting) and sends them as the form would, and sends the query parameters the views read
(found in their source) too. No answer may be a server error or show a traceback.

HARBOUR_FUZZ_EXAMPLES sets the examples per view (default 4, about two minutes on two cores).
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.core.tests.test_access_policy import EXPECTED, all_views, sample_kwargs
from harbour.testing import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = int(os.environ.get("HARBOUR_FUZZ_EXAMPLES", "4"))

# Whom to send each page as: a visitor for public pages, otherwise the first of these it lets in.
PREFERENCE = ("anonymous", "cora", "alice", "bob", "hana", "omar", "carol", "lee", "rhea", "pat")

# Values that broke Harbour before, and their relatives.
HOSTILE = [
    "",
    "0",
    "-1",
    "9" * 30,
    "9" * 5000,
    "1e309",
    "nan",
    "-inf",
    "0000-00-00",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30",
    "\x00",
    "a\x00b",
    "\r\nX-Injected: 1",
    "[" * 2000 + "]" * 2000,
    "{" * 500,
    "&a: [*a, *a]",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "/\\evil.example",
    "é" * 300,
    "x" * 20000,
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def _query_names() -> list[str]:
    """The query parameters the views read by name (request.GET.get("x") or request.GET["x"])."""
    names: set[str] = set()
    # Every app module, views split into packages too (harbour/network/views/*.py).
    for source in Path(__file__).resolve().parents[2].glob("*/**/*.py"):
        names.update(re.findall(r'request\.GET(?:\.get\(|\[)"(\w+)"', source.read_text(encoding="utf-8")))
    return sorted(names)


QUERY_NAMES = _query_names()


class _Forms(HTMLParser):
    """The forms of a page: method, action, and each field's name, kind and offered values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(
                {"method": attr.get("method", "get").lower(), "action": attr.get("action", ""), "fields": {}}
            )
            return
        if not self.forms:
            return
        fields: dict[str, dict[str, Any]] = self.forms[-1]["fields"]
        name = attr.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            field = fields.setdefault(name, {"kind": attr.get("type", tag), "options": []})
            if "value" in attr:
                field["options"].append(attr["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select:
            fields[self._select]["options"].append(attr.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _client_for(cast: Cast, name: str) -> Client:
    client = Client()
    # A page nobody may open (everyone gets a 404) is still walked, as a visitor.
    who = next((person for person in PREFERENCE if person in EXPECTED[name]), "anonymous")
    if who != "anonymous":
        client.force_login(cast.members()[who])
    return client


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, what
    assert b"Traceback" not in response.content, what


def _value(data: st.DataObject, field: dict[str, Any]) -> Any:
    # Half the time a value the page offers, so the other fields pass and the hostile one is reached.
    offered = [option for option in field["options"] if option]
    value: Any = data.draw(st.one_of(st.sampled_from(offered), VALUE) if offered else VALUE)
    several: bool = data.draw(st.booleans())
    if several and offered and field["kind"] in ("checkbox", "radio", "select"):
        value = [value, data.draw(VALUE)]  # a second value for a field that may take several
    if field["kind"] == "file":
        return SimpleUploadedFile(data.draw(st.sampled_from(["a.pdf", "b.txt", "../c.exe", "d"])), value.encode())
    return value


@pytest.mark.parametrize("name", sorted(all_views()))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_makes_a_server_error(cast: Cast, name: str, data: st.DataObject) -> None:
    if not hasattr(cast, "fuzz_samples"):  # once per view: the cast lives as long as the test
        cast.fuzz_samples = sample_kwargs(cast, case_open(by=cast.bob, summary="fuzz", consent=CASE_CONSENT))  # type: ignore[attr-defined]
    url = reverse(name, kwargs=cast.fuzz_samples.get(name, {}))  # type: ignore[attr-defined]
    client = _client_for(cast, name)

    query = {key: data.draw(VALUE) for key in data.draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=4))}
    response = client.get(url, query)
    _check(response, f"GET {url} {query!r}")

    if not hasattr(cast, "fuzz_forms"):
        # Read once per view, so every example draws from the same forms (hypothesis needs that).
        cast.fuzz_forms = _forms_of(client, url)  # type: ignore[attr-defined]
    forms: list[dict[str, Any]] | None = cast.fuzz_forms  # type: ignore[attr-defined]
    if forms is None:  # a POST-only view: post the parameters instead
        body = {key: data.draw(VALUE) for key in data.draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=4))}
        _check(client.post(url, body), f"POST {url} {body!r}")
        return
    if not forms:
        return
    form = data.draw(st.sampled_from(forms))
    target = urljoin(url, form["action"] or url)
    values = {field: _value(data, details) for field, details in form["fields"].items()}
    if form["method"] == "post":
        response = client.post(target, values)
    else:
        response = client.get(target, {key: value for key, value in values.items() if not hasattr(value, "read")})
    _check(response, f"{form['method'].upper()} {target} {values!r}")


def _forms_of(client: Client, url: str) -> list[dict[str, Any]] | None:
    """The page's forms that stay on this site (None for a POST-only view)."""
    page = client.get(url)
    _check(page, f"GET {url}")
    if page.status_code == 405:
        return None
    if "html" not in page.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(page.content.decode())
    # The sign-out form in the layout would end the example's session, and adds nothing to test.
    return [
        form
        for form in parser.forms
        if "sign-out" not in form["action"] and not urlsplit(urljoin(url, form["action"])).netloc
    ]
