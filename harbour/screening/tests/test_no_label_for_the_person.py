"""No output, template, catalogue or translation of the screening ever names the person a victim (or not)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from harbour.screening import catalogue
from harbour.screening.engine import evaluate
from harbour.testing import Cast

APP = Path(__file__).resolve().parents[1]
# English, French, Spanish, Tagalog and Chinese forms of the word.
FORBIDDEN = re.compile(r"victim|víctima|biktima|受害", re.IGNORECASE)
VIGNETTES = tomllib.loads((APP / "tests" / "vignettes.toml").read_text("utf-8"))["vignettes"]


def test_no_file_of_the_app_uses_the_word() -> None:
    found = []
    for path in sorted(APP.rglob("*")):
        if path.suffix in {".py", ".html", ".toml", ".po", ".css"} and path.name != Path(__file__).name:
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if FORBIDDEN.search(line):
                    found.append(f"{path.relative_to(APP)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_no_result_uses_the_word(vignette: dict[str, Any]) -> None:
    result = evaluate(catalogue.load(), vignette["answers"]).to_dict()
    assert not FORBIDDEN.search(json.dumps(result, ensure_ascii=False))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es", "tl", "zh-hans"])
def test_no_page_uses_the_word(cast: Cast, language: str) -> None:
    everything = {f"q_{question.id}": "yes" for question in catalogue.load().questions}
    with translation.override(language):
        public, worker = reverse("screening:self_check"), reverse("screening:worker")
    pages = [Client().get(public), Client().post(public, {**everything, "do": "result"})]
    member = Client()
    member.force_login(cast.bob)
    pages += [
        member.post(worker, {**everything, "do": "result", "province": "ON"}),
        member.post(worker, {"do": "all"}),
    ]
    for response in pages:
        assert response.status_code == 200
        assert not FORBIDDEN.search(response.content.decode())
