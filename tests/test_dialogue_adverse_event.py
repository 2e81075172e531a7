"""The adverse-event flow: branches on what happened, asks the practical questions once,
warns once about where case details are safe, and never quotes an admission."""

from __future__ import annotations

import pytest
from test_dialogue_behaviour import Feelings, KeywordTopics, NoHits, Screener

from companion.dialogue.replies import admission_sentences

PRACTICAL = {
    "safe": "Is the patient safe now, and does your senior or attending know what happened?",
    "report": "Has it been reported, or would it help to think through who could help you "
              "file it?",
    "disclosure": "Has anyone talked with the patient or family yet, and do you know who could "
                  "help you with that conversation?",
    "peer": "Is there one where you work, and would you want to use it?",
    "tonight": "Who can you talk to tonight, and what would help you rest?",
}
WARNING = "usually not protected the way peer-review and incident-reporting channels are"


@pytest.fixture
def engine():
    from companion.dialogue.engine import Engine
    from companion.retrieval.embedding import HashingEmbedder

    made = Engine(retriever=NoHits(), embedder=HashingEmbedder(128), screener=Screener())
    made.understanding.feelings = Feelings()
    made.sentence_topics = KeywordTopics()
    return made


def run(engine, texts):
    start = engine.start("after-adverse-event")
    results = [start]
    for text in texts:
        results.append(engine.turn(start.session_id, text))
        if results[-1].state == "closed":
            break
    return results


def test_the_opening_warns_once_and_asks_without_case_details(engine):
    start = engine.start("after-adverse-event")
    assert WARNING in start.reply and "without case details" in start.question
    results = [engine.turn(start.session_id, t) for t in [
        "A patient died on my shift last night.", "Yes, my attending knows."]]
    assert all(WARNING not in r.reply for r in results), "the warning is said once"


@pytest.mark.parametrize("first, branch_question", [
    ("A patient died on my shift last night.", "Does your senior or attending know how you "
     "are doing, and has someone from the team been in touch with the family?"),
    ("The pharmacist caught my order before it was given, a near miss.",
     "Does your senior or attending know it happened?"),
    ("I gave the wrong dose, he is totally fine now.", PRACTICAL["safe"]),
    ("I missed the compartment syndrome and he needed a fasciotomy.", PRACTICAL["safe"]),
])
def test_it_branches_on_what_happened(engine, first, branch_question):
    results = run(engine, [first])
    assert results[-1].question == branch_question


def test_a_near_miss_is_not_asked_about_disclosure(engine):
    results = run(engine, ["The pharmacist caught my order before it was given, a near miss.",
                           "Yes", "Not yet", "Shaky, but okay."])
    asked = [r.question for r in results]
    assert PRACTICAL["report"] in asked and PRACTICAL["disclosure"] not in asked
    assert any("near miss" in r.reply and "safety systems" in r.reply for r in results)


def test_the_practical_questions_are_asked_once_each(engine):
    results = run(engine, [
        "I gave the wrong dose of insulin, he is totally fine now.",
        "Yes, he is safe and my senior knows.", "Not yet, I don't know how.",
        "Not yet.", "Sick about it, and scared.", "I didn't know we had one.",
        "I want to understand how the order set let it through.", "My partner, and a bath.",
        "Thanks."])
    asked = [r.question for r in results if r.question]
    for question in PRACTICAL.values():
        assert asked.count(question) == 1, question
    assert len(asked) == len(set(asked))
    assert results[-1].state == "closed"
    replies_text = " ".join(r.reply for r in results)
    assert "CANDOR" in replies_text and "second victim" in replies_text
    assert "not about blame" in replies_text


def test_questions_already_answered_are_not_asked(engine):
    results = run(engine, [
        "Wrong dose of heparin, she is stable and fine, my attending knows and I already filed "
        "an incident report.", "Not yet."])
    asked = [r.question for r in results]
    assert PRACTICAL["safe"] not in asked and PRACTICAL["report"] not in asked
    assert asked[1] == PRACTICAL["disclosure"]


ADMISSIONS = ["I put in glargine 40 units instead of 4. His sugar was 38 at 5am, he's fine.",
              "It was my mistake. I want to know how to prepare for M&M with my attending.",
              "I missed the case on the x-ray. I'd ask my mentor how she got through her first "
              "big error."]


def test_mentor_topics_carry_the_need_never_the_admission(engine):
    results = run(engine, ADMISSIONS)
    topics = results[-1].topics
    assert topics, "the needs become topics"
    for topic in topics:
        assert not admission_sentences(topic["resident_words"]), topic["resident_words"]
        assert all(not admission_sentences(q) for q in topic["questions"])
    assert any("prepare for M&M" in t["resident_words"] for t in topics)


@pytest.mark.slow
def test_real_engine_never_quotes_an_admission_and_shows_the_branch_cards(real_retriever):
    from companion.dialogue.engine import Engine

    engine = Engine(retriever=real_retriever)
    start = engine.start("after-adverse-event")
    shown: list[str] = []
    for text in [*ADMISSIONS, "Not yet, I don't know how.", "I haven't told the family yet."]:
        result = engine.turn(start.session_id, text)
        shown += [c["id"] for c in result.cards]
    for topic in engine.suggestions(start.session_id):
        assert not admission_sentences(topic["resident_words"]), topic["resident_words"]
    assert "knowledge-transfer-reporting-a-safety-event" in shown
    assert "skill-development-disclosure-after-an-error" in shown


EXPECTED_Q = "Was it a death the team expected?"
FEELINGS_Q = "How has it been for you since, and what do you need most right now?"


def test_an_expected_death_is_not_treated_as_an_event_to_report(engine):
    results = run(engine, ["A patient died on my shift last night.", "Yes, my attending knows.",
                           "Yes, it was expected"])
    asked = [r.question for r in results]
    assert asked[2] == EXPECTED_Q and asked[3] == FEELINGS_Q
    assert PRACTICAL["report"] not in asked and PRACTICAL["disclosure"] not in asked


@pytest.mark.parametrize("first, answers", [
    ("A patient died on my shift last night.", ["Yes, my attending knows.",
                                                "No, it came as a shock"]),
    ("A patient died unexpectedly on my shift last night.", ["Yes, my attending knows."]),
    ("A patient died after I missed how fast his lactate rose.", ["Yes, my attending knows."]),
])
def test_an_unexpected_death_goes_on_to_reporting(engine, first, answers):
    results = run(engine, [first, *answers])
    asked = [r.question for r in results]
    assert asked[-1] == PRACTICAL["report"]
    assert asked.count(EXPECTED_Q) == (1 if first.endswith("last night.") and len(answers) > 1
                                       else 0)
