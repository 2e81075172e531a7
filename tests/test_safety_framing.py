"""How a message frames a crisis phrase: negated, quoted, asked, past, someone else's.

A rule hit in one of these frames never raises the full screen on its own: it is set
aside (the stance head decides) or it asks the one question (``check``). First-person
present intent always stays a crisis, whatever else the message says. Rules only, no
model: fast and deterministic. Every sentence here was written for this file.
"""

from __future__ import annotations

import pytest

from companion.safety import SafetyScreen
from companion.safety.context import in_resolved_past, quoted_speaker, still_at_risk
from companion.safety.lexicon import scan
from companion.safety.sentences import normalise


@pytest.fixture(scope="module")
def rules_only():
    return SafetyScreen(embedder=False)


def frames(text: str) -> set[str]:
    return {hit.suppressed_by or hit.downgraded_by or "" for hit in scan(text)
            if hit.suppressed_by or hit.downgraded_by}


@pytest.mark.parametrize(("text", "frame"), [
    ("I'm not suicidal, I don't want to die, just tired.", "negation"),
    ("A friend texted 'I want to die' as a joke about the exam.", "reported-speech"),
    ('My co-intern keeps saying "I want to die" every time the pager goes off.',
     "reported-speech"),
    ("The nurse asked whether I'd had thoughts of ending my life, and honestly no, I'm just "
     "worn out.", "answered-question"),
    ("My mom asked if I was thinking of hurting myself. I'm not, I'm grieving.",
     "answered-question"),
    ("Four years ago, as an MS2, I wanted to die. I got help, I'm on medication that works "
     "and I'm safe now.", "resolved-history"),
    ("During first year I thought about killing myself most nights. Therapy helped; I haven't "
     "had those thoughts in over a year.", "resolved-history"),
    ("Two years ago I wanted to die; I'm in treatment and safe now.", "resolved-history"),
])
def test_framed_phrases_are_set_aside(rules_only, text, frame):
    assert rules_only.screen(text).level == "none"
    assert frame in frames(text)


@pytest.mark.parametrize(("text", "frame"), [
    ("In the novel the narrator wants to die after the war.", "someone-else"),
    ("I yelled 'I want to die' when the pager went off, but I don't, it's just a thing "
     "people say.", "disowned-quote"),
    ("I told my partner that if I had to eat one more hospital salad I'd throw myself into "
     "the river.", "figure-of-speech"),
])
def test_probably_not_meant_phrases_only_ask(rules_only, text, frame):
    result = rules_only.screen(text)
    assert result.level == "check"
    assert frame in frames(text)
    assert result.resources, "a check keeps the resources one key away"


@pytest.mark.parametrize("text", [
    "I said I was fine but I want to die.",
    "I used to joke about wanting to die; now I mean it.",
    "Two years ago I wanted to die and I got help, but it's back and I want to die again.",
    "I wanted to die last night. I'm okay now.",
    "My therapist asked if I'm having thoughts of suicide and I said yes.",
    "My therapist asked if I was thinking of killing myself and I lied and said no.",
    "My friend said I seemed off. I told her I'm fine. I'm not. I want to kill myself.",
    "I told my wife 'I want to die' and I meant it.",
    "Therapy helped for a while but lately I've been thinking about killing myself again.",
    "I'm in treatment and safe most days, but I keep thinking about ending my life.",
    "I was suicidal in med school and I'm suicidal again now.",
    "Therapy helped years ago but I want to die.",
    "Not going to act on it, but if I died tomorrow I'd be grateful.",
    "He said I'd be better off dead and honestly I agree, I want to die.",
    "lol jk except not, I really do want to kill myself",
])
def test_first_person_present_intent_stays_crisis(rules_only, text):
    assert rules_only.screen(text).level == "crisis"


def test_a_joke_turned_serious_asks(rules_only):
    # No rule names what "it" is, so it is not a crisis; the joke turned serious asks.
    assert rules_only.screen("I used to joke about it; now I mean it.").level == "check"
    assert rules_only.screen(
        "I used to joke about quitting medicine; now I mean it, I've applied to consulting."
    ).level == "none"


def test_quoted_speaker_is_the_subject_before_the_quote():
    said = normalise("my senior said 'i want to die' at sign-out")
    assert quoted_speaker(said, said.index("want")) == "other"
    own = normalise("i wrote 'i want to die' in my journal")
    assert quoted_speaker(own, own.index("want")) == "first"
    plain = normalise("i want to die")
    assert quoted_speaker(plain, plain.index("want")) is None


def test_resolved_past_needs_past_tense_and_a_safe_present():
    past = normalise("years ago i wanted to die")
    end = past.index("die") + 3
    assert in_resolved_past(past, end, past + ". i'm safe now.")
    assert not in_resolved_past(past, end, past + ".")  # nothing says the present is safe
    now = normalise("i want to die")
    assert not in_resolved_past(now, len(now), "i want to die. i'm safe now.")


def test_recency_counts_only_beside_the_trouble():
    assert still_at_risk("the thoughts came back this week.")
    assert still_at_risk("i was suicidal years ago and now i mean it.")
    assert not still_at_risk("this week i celebrated a year sober. the thoughts never came back.")


@pytest.mark.parametrize("text", [
    "I'm killing myself on microbiology, those bugs won't stick.",
    "Honestly I just want to end it all with this lease and open a smaller shop.",
    "I've worked overdoses as a paramedic for eight years.",
])
def test_idioms_near_crisis_words_are_not_crisis(rules_only, text):
    assert rules_only.screen(text).level != "crisis"


@pytest.mark.parametrize("text", [
    "I want to end it all with my pills tonight.",
    "I keep thinking about killing myself.",
    "I've overdosed twice this year.",
])
def test_the_idiom_exceptions_keep_the_real_thing(rules_only, text):
    assert rules_only.screen(text).level == "crisis"
