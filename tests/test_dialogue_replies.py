"""Reply recognisers: clinical questions, asks, plans, admissions, what happened, corrections."""

from __future__ import annotations

import pytest

from companion.dialogue import replies


@pytest.mark.parametrize("text", [
    "Did I do the right thing waiting ten minutes for my senior?",
    "honestly was it the wrong call to hold the heparin overnight",
    "Should I have called the rapid response earlier?",
    "Would you have intubated him at that point?",
])
def test_clinical_judgement_questions_are_recognised(text):
    assert replies.clinical_question(text)


@pytest.mark.parametrize("text", [
    "Did I do enough studying for boards this month?",
    "Should I apply to fellowship this year or take a research year?",
    "I want to know how my mentor balanced kids and call.",
])
def test_career_and_personal_questions_are_not_clinical(text):
    assert replies.clinical_question(text) is None


def test_explicit_asks_are_found_and_turned_into_one_question_in_their_words():
    text = ("Rounds were long. I'd ask whether the research year was worth it and who the good "
            "research mentors are. Also the coffee machine broke.")
    asks = replies.explicit_asks(text)
    assert asks == ["I'd ask whether the research year was worth it and who the good research "
                    "mentors are."]
    assert replies.as_question(asks[0]) == ("Whether the research year was worth it and who "
                                            "the good research mentors are?")
    assert replies.as_question("Should I apply broadly.") == "Should I apply broadly?"


def test_plans_are_found():
    assert replies.plan_statement("Long night. I'll email her on Monday about the project.") == \
        "I'll email her on Monday about the project."
    assert replies.plan_statement("It was a long night and nobody helped.") is None


@pytest.mark.parametrize("text", [
    "I gave the wrong dose of insulin.",
    "I put in glargine 40 units instead of 4.",
    "I missed how fast his lactate was rising.",
    "It was my mistake, the order was mine.",
    "I said give more hydromorphone instead of going to look.",
])
def test_admissions_are_recognised(text):
    assert replies.admission_sentences(text)


def test_a_need_is_not_an_admission():
    assert not replies.admission_sentences("I want to go through the case at M&M with my "
                                            "attending and learn how to present it.")


@pytest.mark.parametrize("text, kind", [
    ("My patient died overnight and I keep going over it.", "died"),
    ("The pharmacist caught my wrong dose before it was given.", "near_miss"),
    ("I gave the wrong dose, he's totally fine now after D50.", "no_harm"),
    ("I missed the compartment syndrome and he needed a fasciotomy.", "harm"),
    ("My attending said these things happen.", None),
])
def test_what_happened(text, kind):
    assert replies.event_kind(text) == kind


@pytest.mark.parametrize("text, feeling", [
    ("more guilty", "guilty"), ("No, numb.", "numb"), ("angry", "frustrated"),
    ("yes", "same"), ("That's right", "same"), ("I'm not sure what you mean", None),
    ("It was a long and difficult night", None),
    # A bare "ok" to "Did I get that right?" is a yes, not a correction to neutral;
    # "I'm ok" still says how the resident is.
    ("ok", "same"), ("Okay.", "same"), ("yeah ok", "same"), ("sort of", "same"),
    ("I'm ok", "neutral"), ("no, fine", "neutral"),
])
def test_feeling_corrections_in_a_word(text, feeling):
    assert replies.feeling_correction(text) == feeling


def test_short_replies():
    assert replies.is_short("not sure")
    assert not replies.is_short("I am not sure what to do next")
