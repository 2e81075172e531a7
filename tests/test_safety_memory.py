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


class _HeadAsksOnHeavy(SafetyScreen):
    """Rules only, plus a stand-in for the stance head: it asks on any message with "heavy"."""

    def _signals(self, text):
        signals = super()._signals(text)
        if "heavy" in text.lower() and signals.level != "crisis":
            signals.level, signals.near_crisis = "check", True
            signals.evidence[model_evidence_key(text)] = 0.9
        return signals


def test_saying_safe_in_words_right_after_the_question_does_not_ask_again():
    screen = _HeadAsksOnHeavy(embedder=False)
    memory = SafetyMemory()
    first = "Tonight felt heavy."
    asked = screen.screen(first, [], memory)
    assert asked.level == "check"
    memory.record(asked.evidence)  # the resident answered "no"
    reply = "No, I'm safe tonight. It was just a heavy week and my sister is here."
    answered = screen.screen(reply, [first], memory)
    assert answered.level == "none" and answered.resources, answered.reasons
    # the same words without a question before them still ask
    assert screen.screen(reply, [], SafetyMemory()).level == "check"
    # later, not right after the question, the head asks again
    later = screen.screen(reply, [first, "ok", "the shift", "the team"], memory)
    assert later.level == "check"


def test_saying_safe_never_hides_a_rule():
    screen = _HeadAsksOnHeavy(embedder=False)
    memory = SafetyMemory()
    asked = screen.screen("Tonight felt heavy.", [], memory)
    memory.record(asked.evidence)
    result = screen.screen("I'm safe, but honestly the only thing keeping me alive is my dog. "
                           "It is heavy.", ["Tonight felt heavy."], memory)
    assert result.level == "check"
    assert any("reason-to-stay" in reason for reason in result.reasons)
