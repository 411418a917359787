"""Pause codes hold the answers, encrypted, for one organisation, for a limited time."""

from __future__ import annotations

import pytest

from harbour.screening import catalogue, resume

ANSWERS = {"violence": "yes", "from_abroad": "no", "debt": "unknown", "threatened": "declined"}


def test_a_code_gives_back_exactly_the_answers() -> None:
    code = resume.code_make(ANSWERS, catalogue=catalogue.load(), organisation_id=7)
    assert resume.code_read(code, catalogue=catalogue.load(), organisation_id=7) == ANSWERS
    # Spaces, case and line breaks from copying do not matter.
    messy = code.lower().replace("-", " ") + "\n"
    assert resume.code_read(messy, catalogue=catalogue.load(), organisation_id=7) == ANSWERS


def test_a_code_holds_no_question_or_answer_in_clear() -> None:
    code = resume.code_make(ANSWERS, catalogue=catalogue.load(), organisation_id=7)
    assert "violence" not in code.lower() and "yes" not in code.lower()
    assert len(code) < 200


def test_another_organisation_cannot_open_a_code() -> None:
    code = resume.code_make(ANSWERS, catalogue=catalogue.load(), organisation_id=7)
    with pytest.raises(resume.ResumeCodeError):
        resume.code_read(code, catalogue=catalogue.load(), organisation_id=8)


def test_a_code_expires() -> None:
    code = resume.code_make(ANSWERS, catalogue=catalogue.load(), organisation_id=7, now=1_000_000)
    later = 1_000_000 + resume.LIFETIME_SECONDS + 1
    with pytest.raises(resume.ResumeCodeError, match="expired"):
        resume.code_read(code, catalogue=catalogue.load(), organisation_id=7, now=later)


@pytest.mark.parametrize("code", ["", "hello", "AAAAA-AAAAA", "!!!!"])
def test_a_mistyped_code_is_refused(code: str) -> None:
    with pytest.raises(resume.ResumeCodeError):
        resume.code_read(code, catalogue=catalogue.load(), organisation_id=7)


def test_a_changed_code_is_refused() -> None:
    code = resume.code_make(ANSWERS, catalogue=catalogue.load(), organisation_id=7)
    position = len(code) // 2
    flipped = code[:position] + ("A" if code[position] != "A" else "B") + code[position + 1 :]
    with pytest.raises(resume.ResumeCodeError):
        resume.code_read(flipped, catalogue=catalogue.load(), organisation_id=7)
