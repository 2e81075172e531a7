"""Whole scripted sessions through every flow, with the real model, index and screen."""

from __future__ import annotations

import pytest

from companion.dialogue.cleaning import MessageError
from companion.dialogue.engine import Engine
from companion.dialogue.flows import FlowError, load_flows
from companion.journal import Journal

CHECKIN = {"burnout": 3, "sleep": 2, "support": 4, "meaning": 3, "workload": 2}

# flow id -> (resident messages, a question the flow must ask, topics one of which is suggested)
SCRIPTS = {
    "after-hard-shift": (
        ["Third night in a row, charting till 2, and I snapped at a nurse.",
         "Honestly I'm exhausted, running on empty, my body is done.",
         "Maybe Saturday, if I'm not pulled in for cover.",
         "I could ask my senior to help me leave on time.",
         "I'll go home straight after sign-out tomorrow and sleep."],
        "When is your next real stretch of sleep, and what might get in its way?",
        {"work-life-balance", "burnout", "conflict-resolution"},
    ),
    "weekly-check-in": (
        ["A busy ICU week, lots of admissions and two family meetings.",
         "I finally ran a code well and my senior noticed.",
         "Feeling flat and lonely, I haven't seen my partner awake all week.",
         "My co-residents mostly, we cover for each other.",
         "I want to protect my Sunday afternoons."],
        "What went well this week, even something small?",
        {"work-life-balance", "emotional-support", "burnout"},
    ),
    "career-crossroads": (
        ["I'm torn between a cardiology fellowship and a hospitalist job closer to family.",
         "Teaching residents in the afternoon, and home for dinner.",
         "Fellowship means three more years of training and research; the job means money now.",
         "A lot of the advice helps, thanks.",
         "The hospitalist who trained here last year; I'd ask how she decided."],
        "What are the options on the table, and what pulls you toward or away from each?",
        {"career-planning", "academic-research"},
    ),
    "prepare-mentor-meeting": (
        ["Next Thursday. I want help choosing a research project for my scholarly requirement.",
         "My abstract got rejected and I lost momentum.",
         "I'm stuck on how to pick a question that is small enough to finish before PGY-3.",
         "That helps.",
         "Leaving with one project idea and a timeline."],
        "Where are you stuck, or where would a second opinion help most?",
        {"academic-research", "career-planning", "mentoring-relationship"},
    ),
    "finding-a-mentor": (
        ["I don't have a mentor and I feel lost about how to get one.",
         "In a year I want a plan for fellowship applications and one publication.",
         "There's an attending in nephrology who teaches beautifully.",
         "Good to know.",
         "An e-mail asking for twenty minutes to talk about her path.",
         "I'll e-mail her on Monday."],
        "What is the first step you will take, and by when?",
        {"finding-a-mentor", "career-planning", "what-is-mentorship"},
    ),
    "feedback-or-conflict": (
        ["My mid-rotation evaluation says my clinical reasoning is below expectations and "
         "I don't know how to take that feedback.",
         "Yes, my assessment and plan were disorganised, that part is fair.",
         "Thanks.",
         "Ask for ten minutes after rounds tomorrow to go over how to structure it."],
        "Setting the tone aside for a moment, is there a piece of that feedback you think is fair?",
        {"feedback-evaluation", "conflict-resolution"},
    ),
    "after-adverse-event": (
        ["A patient I admitted died overnight after I missed how fast his lactate was rising.",
         "My attending knows, she called the family this morning.",
         "It hasn't been reported yet and I'm not sure how.",
         "The attending has spoken with the family already.",
         "I feel sick about it and keep replaying the night, I'm sad and scared.",
         "I didn't know we had one. I'd like to know who runs peer support here.",
         "I want to go through the case at M&M with my attending.",
         "Call my sister tonight and take a walk."],
        "Does your senior or attending know how you are doing, and has someone from the team "
        "been in touch with the family?",
        {"emotional-support", "knowledge-transfer", "feedback-evaluation"},
    ),
    "free-reflection": (
        ["I'm thinking about running for chief resident but I'm not sure I'm leader material.",
         "People come to me when the team is stuck, but I hate conflict.",
         "I'd want to learn how to run a difficult meeting.",
         "I'd like to ask my mentor what she saw in good chiefs.",
         "Thanks, that's it."],
        "What's on your mind?",
        {"leadership", "motivation-confidence", "conflict-resolution"},
    ),
}


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    with Journal.open(tmp_path_factory.mktemp("journal") / "journal.sqlite3") as j:
        yield j


@pytest.fixture(scope="module")
def engine(real_retriever, journal):
    return Engine(retriever=real_retriever, journal=journal)


def test_scripts_cover_every_flow():
    assert set(SCRIPTS) == set(load_flows())


@pytest.mark.parametrize("flow_id", list(SCRIPTS))
def test_scripted_session(engine, journal, real_retriever, flow_id):
    messages, must_ask, expected_topics = SCRIPTS[flow_id]
    result = engine.start(flow_id)
    questions = [result.question]
    shown = []
    wrap_up = ["That's all for now, thank you."] * 3  # flows may take a step more
    sent = 0
    for text in [*messages, *wrap_up]:
        result = engine.turn(result.session_id, text)
        sent += 1
        assert result.state != "crisis", f"false alarm on: {text}"
        if result.state == "check":  # the safety question, answered as the app would
            result = engine.answer_check(result.session_id, "no")
            sent += 1  # the answer is saved as the resident's
        if result.state == "checkin":
            items = {item["id"] for item in result.checkin["items"]}
            assert items == set(CHECKIN)
            result = engine.submit_checkin(result.session_id, CHECKIN)
        else:
            assert result.reflection or result.choices or result.state == "closed", \
                    "a reflection, or quick choices"
            shown += [card["id"] for card in result.cards]
            for card in result.cards:
                real_retriever.card(card["id"])  # a real card
                assert card["sources"], "advice always shows its source"
        if result.question:
            questions.append(result.question)
        if result.state == "closed":
            break
    assert result.state == "closed", f"{flow_id} did not reach its closing"
    assert must_ask in questions
    assert len(questions) == len(set(questions)), "a question was repeated"
    assert shown, "advice cards were shown"
    suggested = {t["topic_id"] for t in result.topics}
    assert suggested & expected_topics, f"suggested {suggested}"
    for topic in result.topics:
        assert topic["rationale"].startswith('You wrote: "')
        assert topic["resident_words"] in " ".join(messages)
    saved = journal.session(result.session_id)
    assert saved.summary["flow"] == flow_id
    assert saved.summary["topics"] and saved.summary["cards"]
    roles = [m.role for m in saved.messages]
    assert roles.count("resident") == sent
    assert roles.count("companion") >= sent
    if flow_id == "weekly-check-in":
        assert journal.checkins()[-1].answers == CHECKIN


def test_crisis_leaves_the_flow_and_resumes_only_when_safe(engine, journal):
    start = engine.start("free-reflection")
    result = engine.turn(start.session_id, "I have a plan to end my life this weekend.")
    assert result.state == "crisis"
    assert result.cards == [] and result.topics == [] and result.question == ""
    assert any("988" in r["contact"] for r in result.safety["resources"])
    assert "988" in result.reply
    events = journal.session(start.session_id).safety_events
    assert [e.level for e in events] == ["crisis"]
    resumed = engine.resume_after_crisis(start.session_id, safe=True)
    assert resumed.state == "active" and resumed.question
    ended = engine.resume_after_crisis(start.session_id, safe=False)
    assert ended.state == "closed"
    with pytest.raises(FlowError, match="ended"):
        engine.turn(start.session_id, "hello")


def test_rumination_guard_moves_to_a_concrete_step(engine):
    start = engine.start("free-reflection")
    distress = ["I'm so exhausted by these nights, I can't keep going like this.",
                "These night shifts are wearing me down, I'm completely drained.",
                "Nights again, I'm exhausted and drained, I can barely function."]
    results = [engine.turn(start.session_id, text) for text in distress]
    session = engine.session(start.session_id)
    assert session.ruminations == 1
    assert "concrete step" in results[-1].reply
    assert session.flow.step(session.step).kind in {"plan", "closing"}


def test_unusable_message_keeps_the_session_unchanged(engine):
    start = engine.start("free-reflection")
    with pytest.raises(MessageError, match="empty"):
        engine.turn(start.session_id, " \x00 ")
    assert engine.session(start.session_id).resident_turns == []


def test_suggest_ranks_topics_with_cards_and_questions(engine):
    topics = engine.suggest("I want to start a research project but have no idea how to pick "
                            "a question or find protected time")
    assert topics[0].topic_id == "academic-research"
    assert topics[0].cards and topics[0].questions
    assert "research project" in topics[0].rationale
