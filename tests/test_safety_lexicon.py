"""The phrase rules and their context rules, without the model (fast, deterministic)."""

from __future__ import annotations

import pytest

from companion.safety import SafetyScreen
from companion.safety.lexicon import scan
from companion.safety.sentences import split_sentences


@pytest.fixture(scope="module")
def rules_only():
    return SafetyScreen(embedder=False)


def active(text: str) -> set[str]:
    return {hit.rule for hit in scan(text) if hit.active}


def suppressed(text: str) -> dict[str, str]:
    return {hit.rule: hit.suppressed_by for hit in scan(text) if not hit.active}


@pytest.mark.parametrize("text", [
    "I want to kill myself.",
    "I've been stockpiling my sleeping pills in a drawer, there are enough now.",
    "I hope I don't wake up tomorrow.",
    "Everyone would be better off without me.",
    "I cut my wrists again after my shift.",
    "I keep having urges to hurt the interns who mocked me.",
    "I wrote goodbye letters to my parents last night.",
    "Suicide has been on my mind since the match results.",
])
def test_plain_crisis_statements_are_crisis(rules_only, text):
    result = rules_only.screen(text)
    assert result.level == "crisis"
    assert any(reason.startswith("lexicon:") for reason in result.reasons)
    assert result.resources, "crisis must come with resources"


@pytest.mark.parametrize("text", [
    "This rotation is killing me.",
    "I'm dead on my feet.",
    "Shoot me now, four more admissions.",
    "I'd kill for a day off.",
    "My attending is going to murder me when she sees my notes.",
    "Just put me out of my misery and end this lecture.",
    "I killed it on my presentation today.",
])
def test_hyperbole_and_idioms_are_not_crisis(rules_only, text):
    assert rules_only.screen(text).level == "none"


@pytest.mark.parametrize("text", [
    "No thoughts of hurting myself, I'm just exhausted.",
    "Before you ask: no, I'm not thinking of killing myself.",
    "I would never hurt myself.",
    "I'm not suicidal, just fed up.",
    "I have zero thoughts of ending my life.",
])
def test_negation_sets_the_phrase_aside(rules_only, text):
    result = rules_only.screen(text)
    assert result.level != "crisis"
    assert "negation" in suppressed(text).values()


def test_negation_is_scoped_to_its_clause(rules_only):
    text = "I'm not going to act on it, but I'd welcome dying at this point."
    assert rules_only.screen(text).level == "crisis"
    assert "welcome-death" in active(text)


def test_cant_stop_thinking_is_not_a_negation(rules_only):
    assert rules_only.screen("I can't stop thinking about killing myself.").level == "crisis"


@pytest.mark.parametrize("text", [
    "My patient attempted suicide by overdose and we admitted her.",
    "Sutured a woman's forearm after she cut herself, and psych saw her.",
    "The patient said he wanted to die and asked us to stop dialysis.",
    "Placed a hold on a man who had a plan to jump from a bridge.",
])
def test_clinical_talk_about_patients_is_not_crisis(rules_only, text):
    assert rules_only.screen(text).level == "none"


def test_teaching_context_is_not_crisis(rules_only):
    text = "We had a physician suicide prevention workshop and they shared the crisis numbers."
    assert rules_only.screen(text).level == "none"


def test_explicit_first_person_wins_over_clinical_context(rules_only):
    text = ("My patient attempted suicide today and honestly "
            "I keep thinking about killing myself too.")
    result = rules_only.screen(text)
    assert result.level == "crisis"
    assert any("kill-myself" in reason or "thoughts-of-dying" in reason
               for reason in result.reasons)


def test_resolved_history_is_not_crisis_but_a_relapse_is(rules_only):
    resolved = ("Two years ago in med school I was suicidal. Therapy helped and "
                "I'm in a much better place now.")
    assert rules_only.screen(resolved).level == "none"
    assert "resolved-history" in suppressed(resolved).values()
    relapse = ("Two years ago I was suicidal and therapy helped. "
               "This week I've started thinking about killing myself again.")
    assert rules_only.screen(relapse).level == "crisis"


def test_benign_giving_away_is_not_crisis_but_unexplained_is(rules_only):
    assert rules_only.screen(
        "Giving away my old textbooks to the interns since I'm moving for fellowship.",
    ).level == "none"
    assert rules_only.screen(
        "I gave away my cat and my books and thanked everyone for everything.",
    ).level == "crisis"


def test_embedded_crisis_sentence_in_a_long_reflection(rules_only):
    text = ("Good week on wards. My presentation went well and my senior was kind. "
            "The family meeting was hard but fair. Most nights I hope I won't wake up. "
            "Next block is cardiology and I want to read more about heart failure.")
    assert len(split_sentences(text)) == 5
    result = rules_only.screen(text)
    assert result.level == "crisis"
    assert any("not-wake-up" in reason for reason in result.reasons)


def test_concern_without_crisis_signs(rules_only):
    result = rules_only.screen("I feel hopeless and I'm not coping with nights at all.")
    assert result.level == "concern"
    assert result.resources


def test_harm_to_others_threat_is_literal_only_when_said_so(rules_only):
    assert rules_only.screen("My co-resident is going to kill me lol").level == "none"
    assert rules_only.screen("I'll kill him if he does that again, I mean it.").level == "crisis"


def test_to_dict_shape(rules_only):
    data = rules_only.screen("I want to end my life.").to_dict()
    assert set(data) == {"level", "reasons", "resources", "evidence", "warning"}
    assert data["evidence"] == {"rule:end-my-life": 1.0}
    assert data["level"] == "crisis"
    assert set(data["resources"][0]) == {"name", "contact", "what", "when"}
