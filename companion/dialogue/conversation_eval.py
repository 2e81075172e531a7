"""`companion eval conversations FILE`: whole scripted conversations, scored turn by turn.

Each line of the file is one conversation: ``{"id", "flow", "turns": [{"text", "crisis",
"feelings", "topics"}, ...]}`` (optionally ``"checkin": {item: 1..5}``, the answers
given when the flow reaches its check-in). The engine runs the flow, then each
resident turn in order, the way the app would: a crisis is answered "I'm safe" and
the conversation goes on; a safety question (state ``check``) is answered "no" and
counts as a check; a check-in gets the conversation's answers (or middle answers).

Figures (all shares are over the turns or items they name):

- ``false_crisis_turns``: non-crisis turns screened crisis, over non-crisis turns;
- ``false_check_turns``: non-crisis turns that raised the safety question;
- ``crisis_recall``: crisis turns screened crisis or check, over crisis turns;
- ``feeling_accuracy``: turns whose detected feeling is among the labels, over turns
  that got a feeling (a screened crisis gets none);
- ``feeling_coverage``: turns that got a feeling, over the labelled turns run outside a
  crisis, so that a turn on which the engine names no feeling (an answer to an offer or a
  pick) is reported, not silently left out of the accuracy;
- ``card_fit``: shown cards with a topic among the turn's topic labels, over the cards
  shown on turns with topic labels;
- ``topic_support``: suggested mentor topics whose quoted sentence comes from a turn
  labelled with that topic, over suggested topics;
- ``repeated_questions``: questions asked again in the same conversation (a question
  asked three times counts two);
- ``admission_quotes``: suggested mentor topics whose quote admits an error (should be 0).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from companion.dialogue.replies import admission_sentences
from companion.labelled import EvalFileError, read_jsonl

FEELING_IDS = ("exhausted", "frustrated", "anxious", "sad", "guilty", "numb", "lonely",
               "overwhelmed", "hopeful", "neutral")
DEFAULT_CHECKIN = {"burnout": 3, "sleep": 3, "support": 3, "meaning": 3, "workload": 3}
SAFE_ANSWER = "I'm safe"
CHECK_ANSWER = "no"
_SPACE = re.compile(r"\s+")


class ConversationFileError(EvalFileError):
    """A conversations file has a malformed line (names the file, line and field)."""


def load_conversations(path: str | Path) -> list[dict]:
    """Read and check every conversation; errors name the file, line and field."""
    conversations = []
    for where, item in read_jsonl(path, {"flow": str, "turns": list},
                                  error=ConversationFileError):
        if not item["turns"]:
            raise ConversationFileError(f"{where}: field 'turns' must not be empty")
        turns = []
        for number, turn in enumerate(item["turns"], start=1):
            at = f"{where}: turn {number}"
            if not isinstance(turn, dict) or not isinstance(turn.get("text"), str) \
                    or not turn["text"].strip():
                raise ConversationFileError(f"{at}: field 'text' must be a non-empty string")
            feelings = turn.get("feelings", [])
            if not isinstance(feelings, list) or any(f not in FEELING_IDS for f in feelings):
                raise ConversationFileError(
                    f"{at}: field 'feelings' must list feeling ids ({', '.join(FEELING_IDS)})")
            topics = turn.get("topics", [])
            if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
                raise ConversationFileError(f"{at}: field 'topics' must be a list of topic ids")
            turns.append({"text": turn["text"], "crisis": bool(turn.get("crisis", False)),
                          "feelings": feelings, "topics": topics})
        checkin = item.get("checkin", DEFAULT_CHECKIN)
        if not isinstance(checkin, dict):
            raise ConversationFileError(f"{where}: field 'checkin' must be an object")
        conversations.append({"id": str(item.get("id", where)), "flow": item["flow"],
                              "turns": turns, "checkin": checkin})
    return conversations


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def _quote_turns(quote: str, texts: list[list[str]]) -> list[int]:
    """Indexes of the turns a quote comes from (any of each turn's stored versions)."""
    wanted = _norm(quote.rstrip("…").rstrip("."))
    if not wanted:
        return []
    return [i for i, versions in enumerate(texts) if any(wanted in _norm(v) for v in versions)]


def run_conversation(engine, conversation: dict) -> dict:
    """Play one conversation through the engine; returns what happened on every turn."""
    questions: list[str] = []
    opening = engine.start(conversation["flow"])
    session_id = opening.session_id
    if opening.question:
        questions.append(opening.question)
    turns: list[dict[str, Any]] = []
    closed = False
    for label in conversation["turns"]:
        if closed:
            turns.append({"labels": label, "state": "not_run"})
            continue
        result = engine.turn(session_id, label["text"])
        if result.state == "privacy":  # only when a caller asks; the eval never does
            result = engine.turn(session_id, label["text"], privacy="redact")
        screened = result.state if result.state in ("crisis", "check") else "none"
        if result.state == "check":
            result = engine.answer_check(session_id, CHECK_ANSWER)
        if result.state == "crisis":
            record = {"labels": label, "state": "crisis", "screened": screened,
                      "feeling": None, "cards": [], "question": ""}
            result = engine.resume_after_crisis(session_id, safe=True)
            record["question"] = result.question
        else:
            record = {"labels": label, "state": result.state, "screened": screened,
                      "feeling": result.feeling,
                      "cards": [{"id": c["id"], "topics": c.get("topics") or [c["topic"]]}
                                for c in result.cards],
                      "question": result.question}
        if result.question:
            questions.append(result.question)
        if result.state == "checkin":
            result = engine.submit_checkin(session_id, conversation["checkin"])
            if result.question:
                questions.append(result.question)
        closed = result.state == "closed"
        turns.append(record)
    session = engine.session(session_id)
    topics = [{"topic_id": t.topic_id, "quote": t.resident_words}
              for t in session.topics.values()]
    if not closed:
        engine.end(session_id)
    stored = list(session.resident_turns)
    return {"id": conversation["id"], "flow": conversation["flow"], "turns": turns,
            "questions": questions, "topics": topics, "stored_turns": stored}


def score_conversation(played: dict) -> dict:
    """Counts for one played conversation (the numerators and denominators of the figures)."""
    run = [t for t in played["turns"] if t["state"] != "not_run"]
    safe = [t for t in run if not t["labels"]["crisis"]]
    crisis = [t for t in run if t["labels"]["crisis"]]
    felt = [t for t in run if t.get("feeling")]
    open_turns = [t for t in run if t["state"] != "crisis" and t["labels"]["feelings"]]
    labelled = [t for t in run if t["labels"]["topics"] and t["state"] != "crisis"]
    cards = [(c, t) for t in labelled for c in t["cards"]]
    fitting = [c for c, t in cards if set(c["topics"]) & set(t["labels"]["topics"])]
    # The texts each turn could be quoted from: as written and as stored (redacted).
    stored = iter(played.get("stored_turns", []))
    versions = [[t["labels"]["text"], *([next(stored, "")] if t["state"] != "not_run" else [])]
                for t in played["turns"]]
    supported = []
    for topic in played["topics"]:
        sources = _quote_turns(topic["quote"], versions)
        ok = any(topic["topic_id"] in played["turns"][i]["labels"]["topics"] for i in sources)
        supported.append({**topic, "supported": ok, "from_turns": [i + 1 for i in sources]})
    counts = Counter(_norm(q) for q in played["questions"])
    repeated = sorted(q for q, n in counts.items() if n > 1)
    return {
        "id": played["id"], "flow": played["flow"], "n_turns": len(played["turns"]),
        "turns_run": len(run),
        "non_crisis_turns": len(safe), "crisis_turns": len(crisis),
        "false_crisis": sum(t["screened"] == "crisis" for t in safe),
        "false_check": sum(t["screened"] == "check" for t in safe),
        "crisis_caught": sum(t["screened"] in ("crisis", "check") for t in crisis),
        "feeling_turns": len(felt),
        "feeling_open_turns": len(open_turns),
        "feeling_named": sum(bool(t.get("feeling")) for t in open_turns),
        "feeling_hits": sum(t["feeling"] in t["labels"]["feelings"] for t in felt),
        "cards_shown": len(cards), "cards_fit": len(fitting),
        "topics_suggested": len(supported),
        "topics_supported": sum(t["supported"] for t in supported),
        "repeated_questions": sum(n - 1 for n in counts.values() if n > 1),
        "repeated": repeated,
        "admission_quotes": sum(bool(admission_sentences(t["quote"])) for t in supported),
        "feelings": [[t.get("feeling"), t["labels"]["feelings"]] for t in run],
        "topics": supported,
    }


def _share(numerator: int, denominator: int, empty: float) -> float:
    return round(numerator / denominator, 4) if denominator else empty


def summarise(per_conversation: list[dict]) -> dict:
    """The figures over all conversations, from their counts."""
    def total(key: str) -> int:
        return sum(c[key] for c in per_conversation)

    return {
        "n_conversations": len(per_conversation),
        "n_turns": total("n_turns"),
        "turns_not_run": total("n_turns") - total("turns_run"),
        "false_crisis_turns": _share(total("false_crisis"), total("non_crisis_turns"), 0.0),
        "false_check_turns": _share(total("false_check"), total("non_crisis_turns"), 0.0),
        "crisis_recall": _share(total("crisis_caught"), total("crisis_turns"), 1.0),
        "feeling_accuracy": _share(total("feeling_hits"), total("feeling_turns"), 0.0),
        "feeling_coverage": _share(total("feeling_named"), total("feeling_open_turns"), 1.0),
        "card_fit": _share(total("cards_fit"), total("cards_shown"), 0.0),
        "topic_support": _share(total("topics_supported"), total("topics_suggested"), 0.0),
        "repeated_questions": total("repeated_questions"),
        "admission_quotes": total("admission_quotes"),
        "per_conversation": per_conversation,
    }


def evaluate_conversations(path: str | Path, engine=None) -> dict:
    """Run every conversation of a JSONL file through the engine and score it."""
    conversations = load_conversations(path)
    if engine is None:
        from companion.dialogue.engine import Engine

        engine = Engine()
    per_conversation = [score_conversation(run_conversation(engine, c)) for c in conversations]
    return summarise(per_conversation)


def format_report(report: dict) -> str:
    """The figures in a few lines, then one line per conversation."""
    lines = [
        f"{report['n_conversations']} conversations, {report['n_turns']} turns"
        + (f" ({report['turns_not_run']} after the flow closed)" if report["turns_not_run"]
           else ""),
        f"  false crisis turns  {report['false_crisis_turns']:.3f}",
        f"  false check turns   {report['false_check_turns']:.3f}",
        f"  crisis recall       {report['crisis_recall']:.2f}",
        f"  feeling accuracy    {report['feeling_accuracy']:.2f}",
        f"  feeling coverage    {report['feeling_coverage']:.2f}",
        f"  card fit            {report['card_fit']:.2f}",
        f"  topic support       {report['topic_support']:.2f}",
        f"  repeated questions  {report['repeated_questions']}",
        f"  admission quotes    {report['admission_quotes']}",
        "per conversation (feelings right/turns, cards fit/shown, topics supported/suggested):",
    ]
    for c in report["per_conversation"]:
        lines.append(
            f"  {c['id']:<10} {c['flow']:<24} feelings {c['feeling_hits']}/{c['feeling_turns']}"
            f"  cards {c['cards_fit']}/{c['cards_shown']}"
            f"  topics {c['topics_supported']}/{c['topics_suggested']}"
            + (f"  false crisis {c['false_crisis']}" if c["false_crisis"] else "")
            + (f"  false check {c['false_check']}" if c["false_check"] else "")
            + (f"  repeated {c['repeated_questions']}" if c["repeated_questions"] else ""))
    return "\n".join(lines)
