"""The engine through `manage.py screening_evaluate` and the authenticated JSON endpoint."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from harbour.network.models import Member
from harbour.testing import Cast

PAYLOAD = {"answers": {"recruited": "yes", "violence": "yes", "from_abroad": "no", "under_18": "yes"}, "province": "on"}


def _evaluate(monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("screening_evaluate", stdout=out)
    return out.getvalue()


def test_the_command_prints_the_full_result(monkeypatch: pytest.MonkeyPatch) -> None:
    result = json.loads(_evaluate(monkeypatch, json.dumps(PAYLOAD)))
    assert set(result) == {
        "catalogue_version",
        "answers",
        "counts",
        "ilo_ec",
        "forced_labour",
        "definitions",
        "next_steps",
    }
    assert [d["id"] for d in result["definitions"]] == ["palermo", "criminal_code", "irpa"]
    irpa = result["definitions"][2]
    assert irpa["reading"] == "not_met"
    assert irpa["elements"][0]["because"] == [{"question": "from_abroad", "answer": "no"}]
    assert {s["set"] for s in result["ilo_ec"]} == {"child_labour"}
    assert len(result["ilo_ec"][0]["dimensions"]) == 6
    assert result["next_steps"]["action_plan"]["issuer"] == "Government of Ontario"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ("[]", "expected a JSON object"),
        ('{"answers": {"nope": "yes"}}', "unknown questions: 'nope'"),
        ('{"answers": {"violence": "maybe"}}', "violence: 'maybe'"),
        ('{"answers": {}, "name": "x"}', "unknown fields: 'name'"),
        ('{"province": "Ontario"}', "province must be one of AB, BC"),
        ('{"province": "ZZ"}', "province must be one of AB, BC"),
        ('{"answers": {"violence": "yes", "violence": "no"}}', "'violence' is given more than once"),
        ('{"answers": {}, "answers": {"violence": "yes"}}', "'answers' is given more than once"),
        ("[" * 30000 + "]" * 30000, "nests too deeply"),
    ],
)
def test_the_command_explains_bad_input(monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _evaluate(monkeypatch, text)


def test_the_command_refuses_input_over_64_kb_without_reading_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    padded = json.dumps({"answers": {"violence": "yes"}, "province": "ON"}) + " " * (64 * 1024)
    with pytest.raises(CommandError, match="larger than 64 KB"):
        _evaluate(monkeypatch, padded)


def test_a_bad_value_is_never_echoed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    long_value = "my employer's name is " + "x" * 500
    with pytest.raises(CommandError) as raised:
        _evaluate(monkeypatch, json.dumps({"answers": {"violence": long_value}}))
    assert "violence: 'my employer" in str(raised.value)
    assert "x" * 50 not in str(raised.value) and len(str(raised.value)) < 120
    many = {f"question_{n}_{'y' * 80}": "yes" for n in range(20)}
    with pytest.raises(CommandError) as raised:
        _evaluate(monkeypatch, json.dumps({"answers": many}))
    assert "and 15 more" in str(raised.value) and "y" * 50 not in str(raised.value)


def _member_client(member: Member, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(member)
    return client


@pytest.mark.django_db
def test_the_endpoint_returns_the_same_result_as_the_command(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    response = _member_client(cast.hana).post(
        reverse("screening:evaluate_json"), json.dumps(PAYLOAD), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == json.loads(_evaluate(monkeypatch, json.dumps(PAYLOAD)))


@pytest.mark.django_db
def test_the_endpoint_refuses_bad_json_with_a_reason(cast: Cast) -> None:
    client = _member_client(cast.bob)
    url = reverse("screening:evaluate_json")
    assert client.post(url, "{", content_type="application/json").json() == {"error": "the request is not JSON"}
    response = client.post(url, '{"answers": {"x": "yes"}}', content_type="application/json")
    assert response.status_code == 400 and "unknown questions" in response.json()["error"]
    twice = client.post(url, '{"answers": {"violence": "yes", "violence": "no"}}', content_type="application/json")
    assert twice.status_code == 400 and "given more than once" in twice.json()["error"]
    assert client.get(url).status_code == 405
    deep = "[" * 30000 + "]" * 30000  # under the 64 KB cap
    response = client.post(url, deep, content_type="application/json")
    assert response.status_code == 400 and "nests too deeply" in response.json()["error"]


@pytest.mark.django_db
def test_the_endpoint_needs_the_csrf_token_like_any_form(cast: Cast) -> None:
    client = _member_client(cast.bob, csrf=True)
    url = reverse("screening:evaluate_json")
    assert client.post(url, json.dumps(PAYLOAD), content_type="application/json").status_code == 403
    client.get(reverse("screening:worker"))  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url, json.dumps(PAYLOAD), content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_endpoint_is_closed_to_visitors_liaisons_and_researchers(cast: Cast) -> None:
    url = reverse("screening:evaluate_json")
    assert Client().post(url, json.dumps(PAYLOAD), content_type="application/json").status_code == 302
    for member in (cast.lee, cast.rhea):
        response = _member_client(member).post(url, json.dumps(PAYLOAD), content_type="application/json")
        assert response.status_code == 403


def test_the_benchmark_reports_its_percentiles() -> None:
    # Speed is measured by `make bench-screening`, never asserted here: a busy machine is not a bug.
    out = io.StringIO()
    call_command("screening_bench", rounds=2, budget_ms=float("inf"), stdout=out)
    assert re.search(r"p50 \d+\.\d+ ms", out.getvalue()), out.getvalue()
    assert re.search(r"p95 \d+\.\d+ ms", out.getvalue()), out.getvalue()
