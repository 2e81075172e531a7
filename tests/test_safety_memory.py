"""A "no" answers one statement; overdose talk about a case is not the resident's act."""

from __future__ import annotations

import pytest

from companion.safety.check import SafetyMemory, model_evidence_key
from companion.safety.screen import SafetyScreen


def test_a_no_to_one_statement_does_not_silence_a_different_one():
    memory = SafetyMemory()
    answered = {model_evidence_key("I feel like I should not be a doctor."): 0.92}
    memory.record(answered)
    assert memory.already_answered(answered)
    # the same words again (case and spacing aside) are answered
    assert memory.already_answered(
        {model_evidence_key("i feel like  I should not be a doctor."): 0.92})
    # a later, different statement scored about as high asks again
    later = {model_evidence_key("I've worked out when nobody would find me."): 0.88}
    assert not memory.already_answered(later)


def test_the_key_keeps_the_words_out_of_the_memory():
    key = model_evidence_key("nobody would find me until Monday")
    assert key.startswith("model:") and "monday" not in key.lower()


@pytest.fixture(scope="module")
def rules_only() -> SafetyScreen:
    return SafetyScreen(embedder=False)


@pytest.mark.parametrize("text", [
    "I keep thinking about taking an overdose.",
    "I am going to take an overdose tonight.",
    "I want to overdose on my insulin.",
])
def test_taking_an_overdose_in_the_first_person_is_a_crisis(rules_only, text):
    assert rules_only.screen(text).level == "crisis"


@pytest.mark.parametrize("text", [
    "I keep replaying the overdose I missed and I feel like I should not be a doctor.",
    "I think about that overdose every night.",
    "My patient took an overdose of paracetamol and I was the one who admitted him.",
    "I would never take an overdose, I am just tired.",
])
def test_a_case_or_a_denial_is_not_a_crisis(rules_only, text):
    assert rules_only.screen(text).level != "crisis"
