"""The engine answers what was said: on small fakes (hashing vectors, no index), with the
feeling and sentence-topic readers stubbed where a test needs a known reading."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from companion.dialogue.engine import Engine
from companion.dialogue.feelings import FEELINGS, FeelingReading
from companion.retrieval.embedding import HashingEmbedder
from companion.safety.screen import SafetyResult

TOPICS = {"research": "academic-research", "mentor": "finding-a-mentor",
          "fellowship": "career-planning", "sleep": "work-life-balance",
          "feedback": "feedback-evaluation", "probation": "feedback-evaluation",
          "case": "knowledge-transfer", "m&m": "knowledge-transfer"}


class Screener:
    """Returns the level scripted for a text (default none); counts its calls."""

    def __init__(self, levels=None):
        self.levels = levels or {}
        self.calls = 0

    def __call__(self, text, history=(), memory=None):
        self.calls += 1
        return SafetyResult(self.levels.get(text, "none"))


class NoHits:
    topic_model = None

    def search(self, *args, **kwargs):
        return []

    def card(self, card_id):
        raise KeyError(card_id)


class KeywordTopics:
    """Sentence topics by keyword: 0.9 for the first keyword's topic, else spread thin."""

    def __init__(self):
        self.topic_ids = sorted(set(TOPICS.values()) | {"burnout"})

    def probabilities(self, sentences):
        out = np.full((len(sentences), len(self.topic_ids)), 0.1 / len(self.topic_ids))
        for row, sentence in enumerate(sentences):
            hit = next((t for k, t in TOPICS.items() if k in sentence.lower()), "burnout")
            out[row, self.topic_ids.index(hit)] = 0.9
        return out

    def best(self, sentence):
        row = self.probabilities([sentence])[0]
        i = int(np.argmax(row))
        return self.topic_ids[i], float(row[i])


@dataclass
class Feelings:
    """A stub reader: the first feeling word found in the text, else neutral."""

    second_close: bool = False

    def _pick(self, text):
        lowered = text.lower()
        return next((f for f in FEELINGS if f in lowered), "neutral")

    def probabilities(self, text):
        probs = np.full(len(FEELINGS), 0.02)
        probs[FEELINGS.index(self._pick(text))] = 0.6
        return probs / probs.sum()

    def read(self, text, previous=None, lean=()):
        feeling = self._pick(text)
        second = "sad" if feeling != "sad" else "anxious"
        own = self.probabilities(text)
        return FeelingReading(feeling, 0.5, second, 0.45 if self.second_close else 0.1, own,
                              own)


@pytest.fixture
def make_engine():
    def make(levels=None, feelings=None):
        engine = Engine(retriever=NoHits(), embedder=HashingEmbedder(128),
                        screener=Screener(levels))
        engine.understanding.feelings = feelings or Feelings()
        engine.sentence_topics = KeywordTopics()
        return engine
    return make


def questions_of(results):
    return [r.question for r in results if r.question]


# ---------------------------------------------------------------- check-in scores
def test_high_burnout_or_no_support_puts_support_options_first(make_engine):
    engine = make_engine()
    start = engine.start("weekly-check-in")
    assert engine.turn(start.session_id, "A long week on nights, mostly admissions.").state \
        == "checkin"
    after = engine.submit_checkin(start.session_id, {"burnout": 5, "support": 1})
    assert "support first" in after.reply and "1-888-409-0141" in after.reply
    assert after.question.startswith("Would one of those help")
    assert after.choices and "What went well" not in after.reply


def test_an_ordinary_checkin_goes_on_to_what_went_well(make_engine):
    engine = make_engine()
    start = engine.start("weekly-check-in")
    engine.turn(start.session_id, "A long week on nights, mostly admissions.")
    after = engine.submit_checkin(start.session_id, {"burnout": 2, "support": 4})
    assert after.question == "What went well this week, even something small?"


# ---------------------------------------------------------------- clinical question
def test_a_clinical_judgement_question_gets_an_honest_offer_then_a_topic(make_engine):
    engine = make_engine()
    start = engine.start("after-hard-shift")
    asked = engine.turn(start.session_id, "Did I do the right thing waiting ten minutes for "
                                          "my senior before calling the rapid response?")
    assert "I can't judge that call; your senior or attending can." in asked.reply
    assert "Shall I add it to your mentor topics?" in asked.reply
    assert asked.question == "" and asked.choices == ["Yes, add it", "No, thanks"]
    added = engine.turn(start.session_id, "yes please")
    assert "on your mentor topics" in added.reply
    topic = next(t for t in added.topics if t["topic_id"] == "knowledge-transfer")
    assert topic["resident_words"].startswith("Did I do the right thing waiting ten minutes")
    assert topic["questions"] == [topic["resident_words"]]
    assert added.question.startswith("How are you doing right now, in your body")


def test_declining_the_offer_adds_nothing(make_engine):
    engine = make_engine()
    start = engine.start("after-hard-shift")
    engine.turn(start.session_id, "Should I have called my attending earlier about the bleed?")
    declined = engine.turn(start.session_id, "no")
    assert "leave it off" in declined.reply and declined.topics == []
    assert declined.question


# ---------------------------------------------------------------- short and rambling replies
def test_short_replies_get_quick_choices_and_no_cards_or_topics(make_engine):
    engine = make_engine()
    start = engine.start("after-hard-shift")
    short = engine.turn(start.session_id, "not much really")
    assert short.choices == ["Tired", "Wired", "Hungry", "Numb", "Okay"]  # the next step's
    assert "Pick one of these" in short.reply and "Tired · Wired" in short.reply
    assert short.cards == [] and short.topics == []


RAMBLING = ("So much happened this week, where do I even start. My research project stalled "
            "again because the data pull from IT is three weeks late and my co-investigator "
            "stopped answering. Then my mentor cancelled our meeting for the second month in a "
            "row, so I still have nobody to ask about next steps. On top of that the fellowship "
            "application portal opens in six weeks and my personal statement is a blank page. "
            "And my sleep is a mess since the switch from nights, I lie awake until four and "
            "then I am useless on rounds and forget things. I honestly do not know which of "
            "these to deal with first or whether I am overreacting to all of it.")


def test_a_long_scattered_message_gets_a_summary_and_which_matters_most(make_engine):
    engine = make_engine()
    start = engine.start("free-reflection")
    summary = engine.turn(start.session_id, RAMBLING)
    assert "You have touched on a few things there:" in summary.reply
    assert "Which of these matters most right now?" in summary.reply
    assert len(summary.choices) >= 3 and summary.question == ""
    picked = engine.turn(start.session_id, summary.choices[0])
    assert "Let's stay with that." in picked.reply and picked.question


# ---------------------------------------------------------------- feeling check
def test_a_feeling_check_can_be_corrected_in_a_word(make_engine):
    engine = make_engine(feelings=Feelings(second_close=True))
    start = engine.start("free-reflection")
    first = engine.turn(start.session_id, "I feel guilty about how I spoke to the nurse.")
    assert "Did I get that right" in first.reply
    assert first.choices == ["Guilty", "Sad", "Something else"]
    fixed = engine.turn(start.session_id, "more sad")
    assert fixed.feeling == "sad" and "Thank you for putting me right" in fixed.reply
    assert engine.session(start.session_id).feelings[-1] == "sad"
    assert fixed.question == "", "the question already asked is not asked again"


# ---------------------------------------------------------------- plans, repetition
def test_a_plan_already_given_is_not_asked_for_again(make_engine):
    engine = make_engine()
    start = engine.start("finding-a-mentor")
    results = [engine.turn(start.session_id, text) for text in [
        "Someone to help me think about a career in nephrology research.",
        "A year from now I want one abstract and a fellowship decision.",
        "There is an attending in nephrology who teaches beautifully.",
        "I'll e-mail her on Monday and ask for twenty minutes after clinic.",
        "It would give me someone who has done this path before me.",
    ]]
    asked = [start.question, *questions_of(results)]
    assert "What is the first step you will take, and by when?" not in asked
    assert any("You already named a next step" in r.reply for r in results)
    assert results[-1].state == "closed"


@pytest.mark.parametrize("flow_id", ["after-hard-shift", "weekly-check-in", "career-crossroads",
                                     "feedback-or-conflict", "finding-a-mentor",
                                     "free-reflection", "prepare-mentor-meeting",
                                     "after-adverse-event"])
def test_no_question_is_asked_twice_in_a_conversation(make_engine, flow_id):
    engine = make_engine()
    start = engine.start(flow_id)
    asked = [start.question]
    texts = ["It was a long week with a lot of admissions and not much sleep.", "ok", "yes",
             "My mentor and I have not met in a while, I should fix that soon.", "not sure",
             "I want to know how other residents find time for research.", "no",
             "Honestly I am tired but it was a good month for learning.", "fine", "thanks"] * 2
    for text in texts:
        result = engine.turn(start.session_id, text)
        if result.state == "checkin":
            result = engine.submit_checkin(start.session_id, {"burnout": 3})
        asked += questions_of([result])
        if result.state == "closed":
            break
    assert len(asked) == len(set(asked)), [q for q in asked if asked.count(q) > 1]


def test_rumination_is_met_on_the_third_return_with_a_step_and_a_topic_never_a_screen(
        make_engine):
    engine = make_engine()
    start = engine.start("free-reflection")
    worry = ["I am anxious the PD email means I am going on probation.",
             "I keep rereading the PD email, anxious it means probation.",
             "I am anxious that PD email is about probation, I keep thinking it."]
    results = [engine.turn(start.session_id, text) for text in worry]
    assert "concrete step" not in results[1].reply, "not before the third time"
    assert "concrete step" in results[2].reply
    assert results[2].question == "Before we stop: is there anything from this you want to " \
        "take to your mentor, or one thing you want to do next?"
    assert any(t["topic_id"] == "feedback-evaluation" for t in results[2].topics)
    assert all(r.state == "active" for r in results)
    assert engine.session(start.session_id).ruminations == 1


# ---------------------------------------------------------------- mentor topics
def test_explicit_asks_become_topics_quoting_the_ask_itself(make_engine):
    engine = make_engine()
    start = engine.start("career-crossroads")
    result = engine.turn(start.session_id, "The coffee machine broke again on nights. I'd ask "
                                           "whether the research year was worth it for her.")
    topic = next(t for t in result.topics if t["topic_id"] == "academic-research")
    assert topic["resident_words"] == "I'd ask whether the research year was worth it for her."
    assert topic["questions"] == ["Whether the research year was worth it for her?"]
    assert all("coffee" not in t["resident_words"] for t in result.topics)


def test_no_topic_from_a_short_reply_or_a_reply_to_a_safety_prompt(make_engine):
    crisis = "I want to end my life, the research is hopeless."
    engine = make_engine(levels={crisis: "crisis"})
    start = engine.start("free-reflection")
    assert engine.turn(start.session_id, "research sucks").topics == []
    assert engine.turn(start.session_id, crisis).state == "crisis"
    engine.resume_after_crisis(start.session_id, safe=True)
    after = engine.turn(start.session_id, "I'd ask my mentor how to get the research moving.")
    assert after.topics == [], "the reply right after a safety prompt makes no topic"
    later = engine.turn(start.session_id, "I want to know how to pick a research question.")
    assert [t["topic_id"] for t in later.topics] == ["academic-research"]
