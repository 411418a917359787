"""What distinguishes the laws: Palermo, the Criminal Code and IRPA s. 118 read the same answers."""

from __future__ import annotations

import itertools

import pytest

from harbour.screening import catalogue
from harbour.screening.answers import DECLINED, NO, UNKNOWN, YES, Status
from harbour.screening.engine import evaluate


def reading(answers: dict[str, str], definition: str) -> Status:
    result: Status = evaluate(catalogue.load(), answers).definition(definition).reading
    return result


CHILD_NO_MEANS = {
    "under_18": YES,
    "from_abroad": NO,
    "recruited": YES,
    "long_hours": YES,
    "pay_withheld": YES,
    "child_no_school": YES,
    "violence": NO,
    "threatened": NO,
    "threatened_report": NO,
    "job_different": NO,
    "conditions_worse": NO,
    "documents_kept": NO,
    "debt": NO,
    "not_free": NO,
    "controlled_by_someone": NO,
}


def test_child_recruited_and_exploited_without_means_reads_under_palermo() -> None:
    assert reading(CHILD_NO_MEANS, "palermo") is Status.MET
    adult = {**CHILD_NO_MEANS, "under_18": NO}
    assert reading(adult, "palermo") is not Status.MET


def test_child_without_means_depends_on_the_fear_test_under_the_criminal_code() -> None:
    assert reading({**CHILD_NO_MEANS, "fear_if_stop": NO}, "criminal_code") is Status.NOT_MET
    assert reading({**CHILD_NO_MEANS, "fear_if_stop": UNKNOWN}, "criminal_code") is Status.UNKNOWN
    assert reading({**CHILD_NO_MEANS, "fear_if_stop": YES}, "criminal_code") is Status.MET
    code = evaluate(catalogue.load(), CHILD_NO_MEANS).definition("criminal_code")
    assert code.extra["section"] == "279.011"


def test_child_without_means_never_meets_irpa_even_across_a_border() -> None:
    assert reading(CHILD_NO_MEANS, "irpa") is Status.NOT_MET
    crossed = {**CHILD_NO_MEANS, "from_abroad": YES, "transported": YES, "abducted": NO, "promised_papers": NO}
    crossed |= {"false_info_canada": NO, "romance_promise": NO, "isolated": NO, "debt_grows": NO}
    assert reading(crossed, "irpa") is Status.NOT_MET


EVERYTHING_BUT_BORDER = {
    "recruited": YES,
    "transported": YES,
    "job_different": YES,
    "violence": YES,
    "threatened": YES,
    "abducted": YES,
    "documents_kept": YES,
    "sexual_acts": YES,
    "housed_by_them": YES,
    "met_on_arrival": YES,
}


@pytest.mark.parametrize("under_18", [YES, NO, UNKNOWN])
def test_a_case_that_never_crossed_a_border_never_meets_irpa(under_18: str) -> None:
    answers = {**EVERYTHING_BUT_BORDER, "under_18": under_18, "from_abroad": NO}
    assessment = evaluate(catalogue.load(), answers)
    assert assessment.definition("irpa").reading is Status.NOT_MET
    assert "no_border_crossed" in assessment.definition("irpa").notes
    # The same facts across a border do meet it.
    assert reading({**answers, "from_abroad": YES}, "irpa") is Status.MET


MEANS_PRESENT = {
    "under_18": NO,
    "from_abroad": YES,
    "recruited": YES,
    "job_different": YES,
    "documents_kept": YES,
    "long_hours": YES,
    "threatened": YES,
}


@pytest.mark.parametrize("consent", [YES, NO, UNKNOWN, DECLINED, None])
def test_consent_never_changes_a_result_once_a_means_is_present(consent: str | None) -> None:
    answers = dict(MEANS_PRESENT)
    if consent is not None:
        answers["agreed_at_first"] = consent
    baseline = evaluate(catalogue.load(), MEANS_PRESENT)
    assessment = evaluate(catalogue.load(), answers)
    for definition in ("palermo", "criminal_code", "irpa"):
        assert assessment.definition(definition).reading == baseline.definition(definition).reading
        assert assessment.definition(definition).reading is Status.MET
    assert "consent_irrelevant_after_means" in assessment.definition("palermo").notes


def test_consent_never_changes_any_reading_whatever_else_is_answered() -> None:
    facts = ["under_18", "recruited", "job_different", "fear_if_stop", "long_hours", "documents_kept", "from_abroad"]
    for values in itertools.product((YES, NO, UNKNOWN), repeat=len(facts)):
        base = dict(zip(facts, values, strict=True))
        plain = evaluate(catalogue.load(), base)
        agreed = evaluate(catalogue.load(), {**base, "agreed_at_first": YES})
        refused = evaluate(catalogue.load(), {**base, "agreed_at_first": NO})
        for one, two, three in zip(plain.definitions, agreed.definitions, refused.definitions, strict=True):
            assert one.reading == two.reading == three.reading, base


DECEPTION_ONLY = {
    "under_18": NO,
    "recruited": YES,
    "conditions_worse": YES,
    "long_hours": YES,
    "fear_if_stop": NO,
    "violence": NO,
    "threatened": NO,
}


def test_deception_alone_is_a_279_04_2_factor_but_does_not_meet_279_04_1() -> None:
    code = evaluate(catalogue.load(), DECEPTION_ONLY).definition("criminal_code")
    factors = {factor["id"]: factor["status"] for factor in code.extra["factors"]}
    assert factors["factor_deception"] == "met"
    assert code.element("code_fear").status is Status.NOT_MET
    assert code.reading is Status.NOT_MET
    assert "factors_without_fear" in code.notes
    # With a reasonable fear for safety, the same facts meet it.
    assert reading({**DECEPTION_ONLY, "fear_if_stop": YES}, "criminal_code") is Status.MET


def test_the_fear_test_is_objective_so_force_or_coercion_keeps_it_open() -> None:
    # R. v. A.A., 2015 ONCA 558: the person need not have been afraid. A "no" to every fear
    # question rules the test out only when no force or coercion is shown.
    kept_passport = {**DECEPTION_ONLY, "documents_kept": YES}
    code = evaluate(catalogue.load(), kept_passport).definition("criminal_code")
    assert code.element("code_fear").status is Status.UNKNOWN
    assert code.reading is Status.UNKNOWN
    assert "fear_is_objective" in code.notes
    # More deception, or an abuse of trust, is not force: the test stays ruled out.
    for factor in ("promised_papers", "controlled_by_someone"):
        other = evaluate(catalogue.load(), {**DECEPTION_ONLY, factor: YES}).definition("criminal_code")
        assert other.element("code_fear").status is Status.NOT_MET, factor
        assert "fear_is_objective" not in other.notes


def test_irpa_needs_no_exploitation_but_palermo_does() -> None:
    answers = {"under_18": NO, "from_abroad": YES, "recruited": YES, "promised_papers": YES}
    assert reading(answers, "irpa") is Status.MET
    assert reading(answers, "palermo") is Status.UNKNOWN  # nothing yet about exploitation
    work = ["sexual_acts", "forced_tasks", "illegal_activities", "long_hours", "pay_withheld", "pay_to_others"]
    no_exploitation = dict.fromkeys([*work, "dangerous_work", "bad_housing"], NO)
    assert reading({**answers, **no_exploitation}, "palermo") is Status.NOT_MET
    assert reading({**answers, **no_exploitation}, "irpa") is Status.MET


def test_harbouring_after_entry_organises_the_coming_into_canada() -> None:
    # s. 118(2): receipt or harbouring after entry counts as organising.
    answers = {"from_abroad": YES, "housed_by_them": YES, "threatened": YES, "recruited": NO, "transported": NO}
    irpa = evaluate(catalogue.load(), answers).definition("irpa")
    assert irpa.element("irpa_organised").status is Status.MET
    assert irpa.reading is Status.MET


def test_confinement_is_coercion_under_every_definition() -> None:
    # Kept from leaving after entry: force or coercion for IRPA s. 118, as for Palermo and s. 279.04(2)(a).
    answers = {"from_abroad": YES, "housed_by_them": YES, "not_free": YES}
    assessment = evaluate(catalogue.load(), answers)
    assert assessment.definition("irpa").element("irpa_means").status is Status.MET
    assert assessment.definition("palermo").element("palermo_means").status is Status.MET
    factors = {factor["id"]: factor["status"] for factor in assessment.definition("criminal_code").extra["factors"]}
    assert factors["factor_force"] == "met"


def test_an_element_is_not_met_only_when_every_answer_behind_it_is_no() -> None:
    code = evaluate(catalogue.load(), {"fear_if_stop": NO, "violence": NO}).definition("criminal_code")
    assert code.element("code_fear").status is Status.UNKNOWN  # "threatened" was not asked
    declined = evaluate(catalogue.load(), {"fear_if_stop": NO, "violence": NO, "threatened": DECLINED})
    assert declined.definition("criminal_code").element("code_fear").status is Status.UNKNOWN
    answered = evaluate(catalogue.load(), {"fear_if_stop": NO, "violence": NO, "threatened": NO})
    assert answered.definition("criminal_code").element("code_fear").status is Status.NOT_MET


def test_each_element_names_the_answers_behind_it() -> None:
    palermo = evaluate(catalogue.load(), {"recruited": YES, "violence": YES, "transported": NO}).definition("palermo")
    assert palermo.element("palermo_act").because == (("recruited", YES),)
    assert palermo.element("palermo_means").because == (("violence", YES),)


def test_nothing_answered_reads_unknown_everywhere() -> None:
    for definition in ("palermo", "criminal_code", "irpa"):
        assert reading({}, definition) is Status.UNKNOWN


def test_a_child_offered_a_job_and_underpaid_does_not_meet_palermo_on_that_alone() -> None:
    underpaid = {"under_18": YES, "recruited": YES, "pay_withheld": YES}
    assert reading(underpaid, "palermo") is not Status.MET
    assert reading({**underpaid, "pay_to_others": YES}, "palermo") is not Status.MET
    # Work harmful in itself for a child does show the purpose without any means.
    assert reading({**underpaid, "dangerous_work": YES}, "palermo") is Status.MET
    # Underpayment together with coercion shows forced labour, for a child as for an adult.
    assert reading({**underpaid, "debt_grows": YES}, "palermo") is Status.MET


@pytest.mark.parametrize("coercion", ["debt_grows", "isolated"])
def test_a_growing_debt_and_isolation_are_coercion_under_every_law(coercion: str) -> None:
    answers = {"under_18": NO, "from_abroad": YES, "recruited": YES, "long_hours": YES, coercion: YES}
    assessment = evaluate(catalogue.load(), answers)
    assert assessment.definition("palermo").element("palermo_means").status is Status.MET
    assert assessment.definition("irpa").element("irpa_means").status is Status.MET
    force = next(f for f in assessment.definition("criminal_code").extra["factors"] if f["id"] == "factor_force")
    assert force["status"] == "met"
    # ... as the ILO/EC indicators read it.
    coercion_at_destination = next(
        d for d in assessment.sets[0].dimensions if d.dimension.id == "coercion_at_destination"
    )
    assert coercion_at_destination.indicators


def test_the_means_are_one_list_per_kind_read_by_every_law() -> None:
    loaded = catalogue.load()
    coercion = loaded.means["coercion"]
    for element in (loaded.elements["palermo_means"], loaded.elements["irpa_means"], loaded.factors[0]):
        assert set(coercion) <= set(element.facts), element.id
    assert set(loaded.means["deception"]) <= set(loaded.elements["irpa_means"].facts)
    assert "paid_to_controller" in loaded.elements["palermo_means"].facts
    assert "paid_to_controller" not in loaded.elements["irpa_means"].facts


def test_a_coercion_answer_without_an_ilo_ec_coercion_indicator_is_refused() -> None:
    data = {name: catalogue._read(f"{name}.toml") for name in ("questions", "indicators", "definitions")}
    data["definitions"]["means"]["coercion"]["facts"].append("long_hours")
    with pytest.raises(catalogue.CatalogueError, match="'long_hours' counts as coercion"):
        catalogue.build(
            data["questions"], data["indicators"], data["definitions"], catalogue._read("action_plans.toml")
        )


SMUGGLED = {
    "under_18": NO,
    "from_abroad": YES,
    "transported": YES,
    "recruited": NO,
    "agreed_at_first": YES,
    "long_hours": NO,
    "pay_withheld": NO,
    "sexual_acts": NO,
}


def test_smuggling_reads_not_met_once_the_worker_confirms_no_means() -> None:
    assert reading(SMUGGLED, "palermo") is Status.UNKNOWN
    assert reading(SMUGGLED, "irpa") is Status.UNKNOWN
    confirmed = {**SMUGGLED, "no_means_confirmed": YES}
    assert reading(confirmed, "palermo") is Status.NOT_MET
    assert reading(confirmed, "irpa") is Status.NOT_MET
    means = evaluate(catalogue.load(), confirmed).definition("irpa").element("irpa_means")
    assert means.because[0] == ("no_means_confirmed", YES)


def test_a_means_answered_yes_outweighs_the_confirmation() -> None:
    trafficked = {**SMUGGLED, "no_means_confirmed": YES, "documents_kept": YES, "recruited": YES}
    assert reading(trafficked, "irpa") is Status.MET
    assessment = evaluate(catalogue.load(), trafficked)
    assert assessment.definition("palermo").element("palermo_means").status is Status.MET


def test_payment_to_a_person_in_control_is_a_palermo_means() -> None:
    answers = {"under_18": NO, "from_abroad": NO, "recruited": YES, "sexual_acts": YES, "paid_to_controller": YES}
    assert reading(answers, "palermo") is Status.MET
    assert evaluate(catalogue.load(), answers).definition("palermo").element("palermo_means").because == (
        ("paid_to_controller", YES),
    )


def test_the_criminal_code_notes_that_consent_is_no_defence() -> None:
    answers = {"recruited": YES, "agreed_at_first": YES, "threatened": YES}
    assert "consent_no_defence" in evaluate(catalogue.load(), answers).definition("criminal_code").notes
    assert "consent_no_defence" not in evaluate(catalogue.load(), {"recruited": NO}).definition("criminal_code").notes


def test_the_criminal_code_reads_the_purpose_before_any_work_is_done() -> None:
    # Recruited for work and threatened, but no work done yet: the offence is "for the purpose of".
    not_yet = {
        "recruited": YES,
        "threatened": YES,
        "sexual_acts": NO,
        "long_hours": NO,
        "forced_tasks": NO,
        "pay_withheld": NO,
        "dangerous_work": NO,
        "illegal_activities": NO,
        "job_different": NO,
        "conditions_worse": NO,
        "no_contract": NO,
        "pay_to_others": NO,
    }
    assert reading(not_yet, "criminal_code") is Status.MET
    assert reading({**not_yet, "recruited": NO, "transported": YES}, "criminal_code") is Status.NOT_MET
