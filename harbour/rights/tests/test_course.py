"""The training course: lessons, a quiz, and a completion record for each member."""

from __future__ import annotations

from django.urls import reverse

from harbour.rights.models import CourseCompletion, CourseModule
from harbour.testing import Cast, signed_in


def right_answers(module: CourseModule) -> dict[str, str]:
    return {f"q{number}": str(question["answer"]) for number, question in enumerate(module.words("en")["quiz"])}


def test_the_course_has_modules_with_lessons_and_a_quiz_in_english_and_french(rights_content) -> None:
    modules = list(CourseModule.objects.all())
    assert len(modules) >= 4
    for module in modules:
        for language in ("en", "fr"):
            words = module.content[language]
            assert words["lessons"] and words["quiz"]
            # The same right answers in both languages.
            assert [q["answer"] for q in words["quiz"]] == [q["answer"] for q in module.content["en"]["quiz"]]


def test_passing_a_quiz_records_a_completion_for_that_member_only(rights_content, cast: Cast) -> None:
    module = CourseModule.objects.get(slug="recognising-trafficking")
    url = reverse("rights:course_module", kwargs={"slug": module.slug})
    response = signed_in(cast.bob).post(url, right_answers(module))
    assert response.status_code == 200
    assert "100" in response.content.decode()
    completion = CourseCompletion.objects.get()
    assert (completion.member, completion.module, completion.score) == (cast.bob, module, 100)
    assert "Completed on" in signed_in(cast.bob).get(reverse("rights:course")).content.decode()
    assert "Completed on" not in signed_in(cast.carol).get(reverse("rights:course")).content.decode()


def test_failing_a_quiz_records_nothing_and_explains(rights_content, cast: Cast) -> None:
    module = CourseModule.objects.get(slug="first-contact")
    wrong = {key: "0" if value != "0" else "1" for key, value in right_answers(module).items()}
    response = signed_in(cast.bob).post(reverse("rights:course_module", kwargs={"slug": module.slug}), wrong)
    assert "try again" in response.content.decode()
    assert not CourseCompletion.objects.exists()


def test_an_unanswered_quiz_is_not_marked(rights_content, cast: Cast) -> None:
    module = CourseModule.objects.get(slug="first-contact")
    answers = right_answers(module)
    answers.pop("q0")
    response = signed_in(cast.bob).post(reverse("rights:course_module", kwargs={"slug": module.slug}), answers)
    assert "Answer every question" in response.content.decode()
    assert not CourseCompletion.objects.exists()


def test_an_administrator_sees_their_own_staffs_records_only(rights_content, cast: Cast) -> None:
    module = CourseModule.objects.get(slug="recognising-trafficking")
    url = reverse("rights:course_module", kwargs={"slug": module.slug})
    signed_in(cast.bob).post(url, right_answers(module))
    signed_in(cast.carol).post(url, right_answers(module))
    alice_view = signed_in(cast.alice).get(reverse("rights:course_records")).content.decode()
    assert "Bob" in alice_view and "Carol" not in alice_view
    omar_view = signed_in(cast.omar).get(reverse("rights:course_records")).content.decode()
    assert "Carol" in omar_view and "Bob" not in omar_view
