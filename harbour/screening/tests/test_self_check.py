"""The public self-check: no account, nothing written to any table or log, answers never in a URL."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from harbour.checks.tests import test_translations
from harbour.core.tests import test_no_client_trace as real_server
from harbour.screening import catalogue

# The real gunicorn server of the core no-trace test, as the fixture `gunicorn_server`.
gunicorn_server = real_server.server
# Built .mo files, for pages in other languages.
compiled_catalogues = test_translations.compiled_catalogues

ANSWERS = {
    "q_recruited": "yes",
    "q_job_different": "yes",
    "q_sexual_acts": "yes",
    "q_threatened": "yes",
    "q_fear_if_stop": "yes",
    "q_from_abroad": "no",
    "q_violence": "declined",
    "q_debt": "unknown",
}


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the schema
            counts[table] = cursor.fetchone()[0]
    return counts


def _url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("screening:self_check")


@pytest.mark.django_db
def test_the_self_check_writes_no_row_in_any_table_and_no_log_line(cast, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger that propagates
    before = _row_counts()
    client = Client()
    assert client.get(_url()).status_code == 200
    assert client.post(_url(), {**ANSWERS, "do": "all"}).status_code == 200
    result = client.post(_url(), {**ANSWERS, "province": "ON", "do": "result"})
    assert result.status_code == 200
    assert client.post(_url(), {**ANSWERS, "do": "questions"}).status_code == 200
    # Bad input is answered on the page, never with an error that a logger would record.
    tampered = {**ANSWERS, "q_violence": "maybe", "q_nope": "yes", "province": "XX", "do": "result"}
    assert client.post(_url(), tampered).status_code == 200
    assert client.get(_url() + "?q_violence=yes&do=result").status_code == 200
    assert client.put(_url()).status_code == 200  # not a POST: the empty form, nothing to log
    assert _row_counts() == before
    assert caplog.records == []
    assert not client.cookies
    assert "Ontario" in result.content.decode()


@pytest.mark.django_db
def test_answers_in_a_query_string_are_ignored() -> None:
    response = Client().get(_url() + "?q_sexual_acts=yes&do=result")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="yes" checked' not in page


def test_the_form_posts_its_answers_to_a_url_without_a_query() -> None:
    page = Client().get(_url()).content.decode()
    forms = re.findall(r"<form[^>]*>", page)
    screening_forms = [form for form in forms if "self-check" in form]
    assert screening_forms
    for form in screening_forms:
        assert 'method="post"' in form and "?" not in form
    result = Client().post(_url(), {**ANSWERS, "do": "result"}).content.decode()
    for link in re.findall(r'href="([^"]+)"', result):
        assert "q_" not in link and "yes" not in link, link


@pytest.mark.django_db
def test_every_question_can_be_skipped() -> None:
    page = Client().get(_url()).content.decode()
    for question in catalogue.load().questions_in("core"):
        assert f'name="q_{question.id}" value="" checked' in page, question.id
    response = Client().post(_url(), {"do": "result"})
    assert response.status_code == 200
    assert "cannot be read from your answers" in response.content.decode()


def test_a_tampered_answer_is_reported_and_the_rest_kept() -> None:
    response = Client().post(_url(), {"q_violence": "maybe", "q_debt": "yes", "do": "result"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "could not be read" in page
    assert 'name="q_debt" value="yes" checked' in page


def test_the_self_check_ends_with_rights_and_safe_ways_to_get_help() -> None:
    page = Client().post(_url(), {**ANSWERS, "do": "result"}).content.decode()
    assert "Your rights" in page and "Safe ways to get help" in page
    assert reverse("rights:fact_sheet", kwargs={"slug": "what-we-do-with-what-you-tell-us"}) in page
    assert reverse("directory:search") + "?need=" in page
    assert "1-833-900-1010" in page


def test_french_is_complete_and_draft_languages_show_their_draft() -> None:
    french = Client().get(_url("fr")).content.decode()
    assert "Vérifier votre situation" in french
    assert "Aviez-vous moins de 18 ans" in french
    for language, phrase in (
        ("es", "Revise su situación"),
        ("tl", "Suriin ang iyong sitwasyon"),
        ("zh-hans", "了解您的处境"),
    ):
        page = Client().get(_url(language)).content.decode()
        assert phrase in page, language
        assert 'class="draft-notice"' in page, language


@pytest.mark.parametrize(
    ("language", "sign", "question"),
    [
        ("es", "Documentos de identidad en manos de otra persona", "¿Le obligan a hacer cosas contra la ley"),
        ("tl", "Mga dokumento ng pagkakakilanlan na hawak ng ibang tao", "Pinipilit ka bang gumawa ng labag sa batas"),
        ("zh-hans", "身份证件被别人扣着", "是否有人强迫您做违法的事"),
    ],
)
def test_the_drafts_cover_the_signs_and_the_deeper_questions(language: str, sign: str, question: str) -> None:
    result = Client().post(_url(language), {"q_documents_kept": "yes", "do": "result"}).content.decode()
    assert sign in result
    assert question in Client().post(_url(language), {"do": "all"}).content.decode()


@pytest.mark.django_db
def test_the_result_page_states_no_judgement_about_the_person() -> None:
    page = Client().post(_url(), {**ANSWERS, "do": "result"}).content.decode()
    assert "This is not a decision about you" in page


def test_the_real_server_writes_no_answer_to_its_logs_or_database(gunicorn_server: Any, tmp_path: Path) -> None:
    """Gunicorn with Harbour's log settings and a probe that records what any log handler would see."""
    server = gunicorn_server
    path = _url()
    assert server.request("GET", path).status == 200
    reply = server.request("POST", path, data={**ANSWERS, "province": "ON", "do": "result"})
    assert reply.status == 200 and "What your answers show" in reply.body
    server.stop()
    access_log = server.stdout.read_text(encoding="utf-8", errors="replace")
    assert re.search(rf'"POST {re.escape(path)}"', access_log), access_log  # the request is logged...
    markers = [
        real_server.Marker("an answer", tuple(key.encode() for key in ANSWERS) + (b"sexual_acts", b"fear_if_stop"))
    ]
    found = real_server._search_files(server.base, markers, skip_postcode=set())
    found += real_server._search_tables(server.database, tmp_path / "copy", markers, signed_in=False)
    assert found == []  # ...and nothing of what was answered


# The result in the person's language: what they can do first, and a change of language that keeps the answers


@pytest.fixture(autouse=True)
def language_restored() -> Iterator[None]:
    """A request activates its page's language for the thread; the next test starts in English again."""
    yield
    translation.activate("en")


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogues")
def test_the_result_leads_with_safe_ways_to_get_help_and_numbers_that_can_be_tapped() -> None:
    page = Client().post(_url("ar"), {**ANSWERS, "do": "result"}).content.decode()
    headings = ("<h2>طرق آمنة", "<h2>علامات في إجاباتك", "<h2>كيف يقرأ القانون")
    help_at, signs_at, law_at = (page.index(heading) for heading in headings)
    assert help_at < signs_at < law_at
    assert '<a href="tel:911">911</a>' in page
    assert '<a href="tel:18339001010">1-833-900-1010</a>' in page
    assert "Safe ways to get help" not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize("action", ["result", "questions"])
def test_changing_language_keeps_the_answers_without_a_url_or_a_cookie(action: str) -> None:
    client = Client()
    page = client.post(_url("en"), {**ANSWERS, "do": action}).content.decode()
    form = re.search(
        r'<form autocomplete="off" method="post" action="[^"]+" id="self-check">(.*?)</form>', page, re.DOTALL
    )
    assert form is not None
    # Every language is a button of that form, posting it to the same page in that language.
    thai_button = re.search(
        r'<button type="submit" form="self-check" formaction="([^"]+)" name="do" value="(\w+)"', page
    )
    assert thai_button is not None and thai_button.group(2) == action
    assert f'formaction="{_url("th")}"' in page
    carried = dict(re.findall(r'name="(q_\w+)" value="(\w+)"', form.group(1))) if action == "result" else {}
    if action == "result":
        assert carried == ANSWERS
    switched = client.post(_url("th"), {**ANSWERS, "do": action})
    assert switched.status_code == 200 and not switched.cookies
    text = switched.content.decode()
    assert '<html lang="th"' in text
    if action == "result":
        assert "คำตอบของคุณแสดงอะไร" in text  # "What your answers show"
    else:
        assert 'name="q_recruited" value="yes" checked' in text
