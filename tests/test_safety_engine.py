"""The crisis / check / privacy step of a turn, on the real engine with small fakes.

A hashing embedder and hand-made cards keep this fast; the safety screen is the
real one (rules and history; the model signal is replaced by a scripted one where
a test needs a `check`).
"""

from __future__ import annotations

import pytest
from retrieval_support import sample_cards

from companion.dialogue.engine import Engine
from companion.dialogue.flows import FlowError
from companion.journal import Journal
from companion.retrieval.embedding import HashingEmbedder
from companion.retrieval.retriever import Retriever
from companion.safety import SafetyScreen
from companion.safety.screen import SafetyResult

CRISIS = "I want to kill myself tonight."
CRISIS_WITH_NAME = "After Mr. Jones in bed 12 died I want to kill myself tonight."
ORDINARY = "Clinic ran late again and I skipped lunch."
NAME_ONLY = "Mr. Jones in bed 12 (MRN 4471823) was discharged today."


class ScriptedScreen:
    """The real rules-and-history screen, plus model evidence for chosen sentences."""

    def __init__(self, model: dict[str, float] | None = None):
        self.real = SafetyScreen(embedder=False)
        self.model = model or {}
        self.calls: list[str] = []

    def __call__(self, text, history=(), memory=None) -> SafetyResult:
        self.calls.append(text)
        result = self.real.screen(text, history, memory)
        strength = self.model.get(text)
        if strength is not None and result.level in ("none", "concern"):
            result = SafetyResult("check", ["model (scripted)"], list(self.real.resources),
                                  {"model": strength})
            if memory is not None and memory.already_answered(result.evidence):
                result = SafetyResult("none", ["answered"], list(self.real.resources),
                                      {"model": strength})
        return result


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.sqlite3") as opened:
        yield opened


def make_engine(tmp_path, journal=None, screen=None) -> Engine:
    embedder = HashingEmbedder()
    retriever = Retriever.open(cards=sample_cards(), embedder=embedder,
                               index_dir=tmp_path / "index")
    return Engine(retriever=retriever, embedder=embedder, journal=journal,
                  screener=screen or ScriptedScreen())


def resident_texts(journal, session_id) -> list[str]:
    return [m.text for m in journal.session(session_id).messages if m.role == "resident"]


# -- the three outcomes ------------------------------------------------------------
def test_crisis_turn_shows_resources_at_once(tmp_path, journal):
    engine = make_engine(tmp_path, journal)
    sid = engine.start("free-reflection").session_id
    result = engine.turn(sid, CRISIS)
    assert result.state == "crisis" and result.safety["level"] == "crisis"
    assert result.safety["resources"] and result.check is None
    assert resident_texts(journal, sid) == [CRISIS]


def test_check_turn_asks_one_question_with_three_answers(tmp_path, journal):
    text = "Lately I feel like fading out would be easier."
    engine = make_engine(tmp_path, journal, ScriptedScreen({text: 0.6}))
    sid = engine.start("free-reflection").session_id
    result = engine.turn(sid, text)
    assert result.state == "check"
    assert "thoughts of ending your life" in result.check["question"]
    assert [a["id"] for a in result.check["answers"]] == ["yes", "no", "not_sure"]
    assert result.reply == result.check["question"] and not result.cards
    assert result.to_dict()["check"] == result.check  # a plain field, easy to carry
    assert resident_texts(journal, sid) == [text]  # the message is saved
    assert engine.session(sid).state == "check"


def test_none_turn_reflects_as_usual(tmp_path):
    engine = make_engine(tmp_path)
    sid = engine.start("free-reflection").session_id
    result = engine.turn(sid, ORDINARY)
    assert result.state == "active" and result.safety["level"] == "none"
    assert result.reflection and result.check is None and not result.safety["resources"]


# -- the answers -------------------------------------------------------------------
@pytest.mark.parametrize("answer", ["yes", "not_sure"])
def test_check_yes_or_not_sure_gives_the_crisis_result(tmp_path, journal, answer):
    text = "Lately I feel like fading out would be easier."
    engine = make_engine(tmp_path, journal, ScriptedScreen({text: 0.6}))
    sid = engine.start("free-reflection").session_id
    engine.turn(sid, text)
    result = engine.answer_check(sid, answer)
    assert result.state == "crisis" and result.safety["resources"]
    assert any(f"answered {answer}" in r for r in result.safety["reasons"])
    events = [(e.level, e.reasons) for e in journal.session(sid).safety_events]
    assert ("check", [f"answer: {answer}"]) in events


def test_check_no_continues_and_the_same_evidence_does_not_ask_again(tmp_path, journal):
    text = "Lately I feel like fading out would be easier."
    screen = ScriptedScreen({text: 0.6, "Still feel like fading out, honestly.": 0.65,
                             "Something new and much heavier.": 0.95})
    engine = make_engine(tmp_path, journal, screen)
    sid = engine.start("free-reflection").session_id
    engine.turn(sid, text)
    result = engine.answer_check(sid, "no")
    assert result.state == "active" and result.reflection and result.question
    again = engine.turn(sid, "Still feel like fading out, honestly.")
    assert again.state == "active", "the same evidence asked again after 'no'"
    assert again.safety["resources"], "the resources stay visible"
    stronger = engine.turn(sid, "Something new and much heavier.")
    assert stronger.state == "check", "clearly stronger evidence asks again"
    with pytest.raises(ValueError, match="yes, no or not_sure"):
        engine.answer_check(sid, "perhaps")


def test_answer_without_a_question_is_an_error(tmp_path):
    engine = make_engine(tmp_path)
    sid = engine.start("free-reflection").session_id
    with pytest.raises(FlowError, match="no safety question"):
        engine.answer_check(sid, "no")


def test_im_safe_is_an_answer_and_history_never_re_raises_the_screen(tmp_path, journal):
    engine = make_engine(tmp_path, journal)
    sid = engine.start("free-reflection").session_id
    assert engine.turn(sid, CRISIS).state == "crisis"
    engine.resume_after_crisis(sid, safe=True)
    assert engine.session(sid).safety.crisis_answered
    events = [e.reasons for e in journal.session(sid).safety_events]
    assert ["answer: I'm safe, continue"] in events
    # Ordinary and distressed messages afterwards: resources visible, no full screen.
    for text in [ORDINARY, "I feel so overwhelmed and can't cope with this week.",
                 "Everything feels hopeless at work.", ORDINARY]:
        result = engine.turn(sid, text)
        assert result.state != "crisis", f"re-raised on: {text}"
        assert result.safety["resources"]
    # New explicit evidence still raises it.
    assert engine.turn(sid, "I have a plan to end my life this weekend.").state == "crisis"


def test_unanswered_crisis_then_distress_asks_instead_of_repeating_the_screen():
    screen = SafetyScreen(embedder=False)
    result = screen.screen("Everything feels hopeless.", [CRISIS])
    assert result.level == "check" and result.resources
    ordinary = screen.screen(ORDINARY, [CRISIS])
    assert ordinary.level == "none" and ordinary.resources


# -- safety before privacy ---------------------------------------------------------
def test_crisis_with_identifiers_is_screened_first_saved_redacted_and_shown(tmp_path, journal):
    screen = ScriptedScreen()
    engine = make_engine(tmp_path, journal, screen)
    sid = engine.start("free-reflection").session_id
    result = engine.turn(sid, CRISIS_WITH_NAME, privacy="ask")
    assert screen.calls == [CRISIS_WITH_NAME]  # the raw text, before any privacy step
    assert result.state == "crisis" and result.safety["resources"]
    saved = resident_texts(journal, sid)
    assert len(saved) == 1 and "Jones" not in saved[0] and "kill myself" in saved[0]
    assert result.privacy["applied"] == "redact"


def test_identifiers_without_a_choice_ask_and_save_nothing(tmp_path, journal):
    engine = make_engine(tmp_path, journal)
    sid = engine.start("free-reflection").session_id
    asked = engine.turn(sid, NAME_ONLY, privacy="ask")
    assert asked.state == "privacy" and asked.privacy["applied"] is None
    assert {s["kind"] for s in asked.privacy["spans"]} >= {"patient", "mrn"}
    assert resident_texts(journal, sid) == [] and engine.session(sid).turn_count == 0
    kept = engine.turn(sid, NAME_ONLY, privacy="keep")
    assert kept.state == "active" and resident_texts(journal, sid) == [NAME_ONLY]


def test_callers_other_than_the_app_redact_by_default(tmp_path, journal):
    engine = make_engine(tmp_path, journal)
    sid = engine.start("free-reflection").session_id
    result = engine.turn(sid, NAME_ONLY)
    assert result.state == "active" and result.privacy["applied"] == "redact"
    saved = resident_texts(journal, sid)
    assert "4471823" not in saved[0] and "[MRN]" in saved[0]


def test_mrn_split_by_a_zero_width_space_is_still_caught(tmp_path, journal):
    engine = make_engine(tmp_path, journal)
    sid = engine.start("free-reflection").session_id
    asked = engine.turn(sid, "MRN 447\u200b1823 came back today.", privacy="ask")
    assert asked.state == "privacy"
    assert any(s["kind"] == "mrn" for s in asked.privacy["spans"])


def test_disguised_crisis_is_crisis_and_the_journal_keeps_the_words(tmp_path, journal):
    engine = make_engine(tmp_path, journal)
    sid = engine.start("free-reflection").session_id
    result = engine.turn(sid, "I want to \uff4b\uff49\uff4c\uff4c myself")
    assert result.state == "crisis"
    assert resident_texts(journal, sid) == ["I want to \uff4b\uff49\uff4c\uff4c myself"]


def test_too_long_crisis_message_is_not_lost(tmp_path, journal):
    engine = make_engine(tmp_path, journal)
    sid = engine.start("free-reflection").session_id
    text = "I want to kill myself. " + "word " * 2000
    assert engine.turn(sid, text).state == "crisis"
    assert resident_texts(journal, sid)[0].startswith("I want to kill myself.")
