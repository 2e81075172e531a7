"""`companion eval conversations`: scoring whole conversations, on a scripted fake engine."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from companion.dialogue.conversation_eval import (
    ConversationFileError,
    evaluate_conversations,
    format_report,
    load_conversations,
)


@dataclass
class Reply:
    session_id: int
    state: str = "active"
    question: str = ""
    feeling: str | None = None
    cards: list = field(default_factory=list)
    reply: str = ""


class ScriptedEngine:
    """Answers each resident text from a script: {text: Reply fields}; records the calls."""

    def __init__(self, script: dict[str, dict], topics=()):
        self.script = script
        self.calls: list[tuple] = []
        self.sessions: dict[int, SimpleNamespace] = {}
        self.topics = topics

    def start(self, flow_id):
        sid = len(self.sessions) + 1
        self.sessions[sid] = SimpleNamespace(
            resident_turns=[], topics={i: SimpleNamespace(topic_id=t, resident_words=q)
                                       for i, (t, q) in enumerate(self.topics)})
        self.calls.append(("start", flow_id))
        return Reply(sid, question="What happened?")

    def turn(self, sid, text, privacy="redact"):
        self.calls.append(("turn", text))
        self.sessions[sid].resident_turns.append(text)
        return Reply(sid, **self.script[text])

    def answer_check(self, sid, answer):
        self.calls.append(("answer_check", answer))
        return Reply(sid, question="And after the check?", feeling="anxious")

    def resume_after_crisis(self, sid, safe):
        self.calls.append(("resume", safe))
        return Reply(sid, question="Shall we go on?")

    def submit_checkin(self, sid, answers):
        self.calls.append(("checkin", answers))
        return Reply(sid, question="What went well?")

    def session(self, sid):
        return self.sessions[sid]

    def end(self, sid):
        self.calls.append(("end", sid))


def card(topic):
    return {"id": f"c-{topic}", "topic": topic, "topics": [topic]}


def write(tmp_path, *conversations):
    path = tmp_path / "conversations.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in conversations) + "\n", encoding="utf-8")
    return path


def turn(text, crisis=False, feelings=("neutral",), topics=()):
    return {"text": text, "crisis": crisis, "feelings": list(feelings), "topics": list(topics)}


def test_crisis_is_answered_safe_check_answered_no_and_the_conversation_goes_on(tmp_path):
    path = write(tmp_path, {"id": "a", "flow": "free-reflection", "turns": [
        turn("fine day", feelings=["hopeful"], topics=["burnout"]),
        turn("dark thought", crisis=True),
        turn("pager joke"),
        turn("real risk", crisis=True),
        turn("last words", feelings=["sad"])]})
    engine = ScriptedEngine({
        "fine day": {"feeling": "hopeful", "cards": [card("burnout"), card("leadership")],
                     "question": "What else?"},
        "dark thought": {"state": "crisis"},
        "pager joke": {"state": "check"},
        "real risk": {"state": "check"},
        "last words": {"feeling": "neutral", "question": "What else?"},
    })
    report = evaluate_conversations(path, engine=engine)
    assert ("resume", True) in engine.calls
    assert engine.calls.count(("answer_check", "no")) == 2
    assert engine.calls[-2] == ("turn", "last words")  # went on after crisis and checks
    assert report["n_turns"] == 5
    assert report["false_crisis_turns"] == 0.0
    assert report["false_check_turns"] == pytest.approx(1 / 3, abs=1e-3)
    assert report["crisis_recall"] == 1.0  # one crisis, one check
    # hopeful right; the check answer's "anxious" on the joke is wrong; anxious on a crisis
    # turn labelled neutral is wrong; "neutral" for sad is wrong.
    assert report["feeling_accuracy"] == 0.25
    assert report["card_fit"] == 0.5
    assert report["repeated_questions"] == 2  # "What else?" and "And after the check?"
    per = report["per_conversation"][0]
    assert per["repeated"] == ["and after the check?", "what else?"]


def test_a_turn_without_a_feeling_lowers_coverage_not_accuracy(tmp_path):
    path = write(tmp_path, {"id": "v", "flow": "free-reflection", "turns": [
        turn("so tired", feelings=["exhausted"]),
        turn("yes, add it", feelings=["neutral"]),
        turn("dark thought", crisis=True, feelings=["sad"])]})
    engine = ScriptedEngine({"so tired": {"feeling": "exhausted"},
                             "yes, add it": {"feeling": None},
                             "dark thought": {"state": "crisis"}})
    report = evaluate_conversations(path, engine=engine)
    assert report["feeling_accuracy"] == 1.0  # over the one turn that named a feeling
    assert report["feeling_coverage"] == 0.5  # the crisis turn is not counted either way
    assert "feeling coverage    0.50" in format_report(report)


def test_false_crisis_counts_and_a_checkin_gets_the_conversation_answers(tmp_path):
    path = write(tmp_path, {"id": "b", "flow": "weekly-check-in",
                            "checkin": {"burnout": 5, "support": 1},
                            "turns": [turn("busy week"), turn("kms lol the pager")]})
    engine = ScriptedEngine({"busy week": {"state": "checkin", "feeling": "neutral"},
                             "kms lol the pager": {"state": "crisis"}})
    report = evaluate_conversations(path, engine=engine)
    assert ("checkin", {"burnout": 5, "support": 1}) in engine.calls
    assert report["false_crisis_turns"] == 0.5
    assert report["crisis_recall"] == 1.0  # no crisis turns: nothing missed


def test_topic_support_reads_the_quote_against_the_turn_it_came_from(tmp_path):
    path = write(tmp_path, {"id": "c", "flow": "free-reflection", "turns": [
        turn("The coffee machine broke. I doubt I am good enough.",
             topics=["motivation-confidence"]),
        turn("My research stalled and nobody replies.", topics=["academic-research"]),
        turn("Then we closed.")]})
    engine = ScriptedEngine(
        {"The coffee machine broke. I doubt I am good enough.": {"feeling": "neutral"},
         "My research stalled and nobody replies.": {"feeling": "neutral",
                                                     "state": "closed"}},
        topics=[("motivation-confidence", "I doubt I am good enough."),
                ("knowledge-transfer", "I gave the wrong dose."),
                ("motivation-confidence", "My research stalled…"),
                ("burnout", "words nobody wrote")])
    report = evaluate_conversations(path, engine=engine)
    assert report["topic_support"] == pytest.approx(1 / 4, abs=1e-3)
    assert report["admission_quotes"] == 1
    assert report["turns_not_run"] == 1
    topics = report["per_conversation"][0]["topics"]
    assert [t["from_turns"] for t in topics] == [[1], [], [2], []]
    assert "after the flow closed" in format_report(report)


@pytest.mark.parametrize("line, message", [
    ({"flow": "x", "turns": []}, "'turns' must not be empty"),
    ({"flow": "x", "turns": [{"text": ""}]}, "turn 1: field 'text'"),
    ({"flow": "x", "turns": [{"text": "hi", "feelings": ["annoyed"]}]}, "field 'feelings'"),
    ({"turns": [{"text": "hi"}]}, "field 'flow'"),
])
def test_malformed_conversations_name_line_and_field(tmp_path, line, message):
    path = write(tmp_path, line)
    with pytest.raises(ConversationFileError, match=message):
        load_conversations(path)


def test_cli_reports_missing_file_and_bad_line(tmp_path, capsys):
    from companion.cli import main

    assert main(["eval", "conversations", str(tmp_path / "none.jsonl")]) == 2
    bad = write(tmp_path, {"flow": "x", "turns": []})
    assert main(["eval", "conversations", str(bad), "--json"]) == 2
    assert "must not be empty" in capsys.readouterr().err


@pytest.mark.slow
def test_real_engine_json_has_every_key(tmp_path, real_retriever, capsys):
    from companion.dialogue.engine import Engine

    path = write(tmp_path, {"id": "r", "flow": "after-hard-shift", "turns": [
        turn("Long night, three admissions and no dinner.", feelings=["exhausted"],
             topics=["burnout"]),
        turn("I want to ask my senior how she leaves on time.", topics=["work-life-balance"])]})
    report = evaluate_conversations(path, engine=Engine(retriever=real_retriever))
    for key in ("n_conversations", "n_turns", "false_crisis_turns", "false_check_turns",
                "crisis_recall", "feeling_accuracy", "card_fit", "topic_support",
                "repeated_questions", "admission_quotes", "per_conversation"):
        assert key in report
    assert report["n_turns"] == 2 and report["false_crisis_turns"] == 0.0
    json.dumps(report)
