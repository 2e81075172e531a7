"""One resident turn through LocalCompanion on the real engine (fake models): one call
does safety, privacy, understanding, advice and saving; a cancelled turn writes nothing."""

from __future__ import annotations

import threading

import pytest
from tui_support import fake_models

from companion.service.errors import RequestCancelled
from companion.service.local import LocalCompanion
from companion.settings import Settings

SHIFT = "The night shift was long and my attending yelled at me in front of the team."
NAMED = "Mr. Jones in bed 12 died on my shift and I keep replaying it."


@pytest.fixture
def core():
    core = LocalCompanion(**fake_models())
    yield core
    core.close()


def resident_messages(core: LocalCompanion, session_id: int) -> list[str]:
    return [m.text for m in core.session(session_id).messages if m.role == "resident"]


def test_a_turn_is_saved_once_with_what_it_said(core):
    session = core.start("after-hard-shift").session_id
    reply = core.turn(session, SHIFT)
    assert reply.state == "active" and reply.said == SHIFT and reply.reply
    assert resident_messages(core, session) == [SHIFT]


def test_identifiers_wait_for_the_residents_choice_and_nothing_is_saved(core):
    session = core.start("free-reflection").session_id
    asked = core.turn(session, NAMED)
    assert asked.state == "privacy"
    assert {s.kind for s in asked.identifiers} >= {"patient", "room"}
    assert resident_messages(core, session) == []
    redacted = core.turn(session, NAMED, "redact")
    assert "Jones" not in redacted.said and "[PATIENT]" in redacted.said
    kept = core.turn(session, "Mrs. Alvarez thanked me today.", "keep")
    assert kept.said == "Mrs. Alvarez thanked me today."
    assert resident_messages(core, session) == [redacted.said, kept.said]


def test_auto_redaction_needs_no_second_call(core):
    Settings(auto_redact=True).save()
    session = core.start("free-reflection").session_id
    reply = core.turn(session, NAMED)
    assert reply.state != "privacy" and "Jones" not in reply.said


def test_a_crisis_never_waits_on_the_identifiers_dialog(core):
    session = core.start("free-reflection").session_id
    reply = core.turn(session, "Mr. Jones died and I want to kill myself tonight.")
    assert reply.state == "crisis" and reply.safety.resources
    assert "Jones" not in resident_messages(core, session)[0]


def test_a_cancelled_turn_writes_nothing_and_the_next_one_goes_on(core):
    session = core.start("after-hard-shift").session_id
    engine_state = core._engine_or_build().session(session)
    before = (engine_state.turn_count, list(engine_state.resident_turns), engine_state.step)
    stored_before = len(core.session(session).messages)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RequestCancelled):
        core.turn(session, SHIFT, cancel=cancel)
    assert len(core.session(session).messages) == stored_before
    assert core.topics() == []
    assert (engine_state.turn_count, engine_state.resident_turns, engine_state.step) == before
    reply = core.turn(session, SHIFT)
    assert reply.state == "active"
    assert resident_messages(core, session) == [SHIFT]


def test_the_safety_check_question_and_its_answer_travel_typed():
    from companion.safety import SafetyResult, SafetyScreen

    heavy = "Lately I feel like fading out would be easier."
    real = SafetyScreen(embedder=False)

    def screener(text, history=(), memory=None):
        result = real.screen(text, history, memory)
        if text == heavy and not (memory and memory.already_answered({"model": 0.6})):
            return SafetyResult("check", ["model (test)"], list(real.resources), {"model": 0.6})
        return result

    core = LocalCompanion(**{**fake_models(), "screener": screener})
    try:
        session = core.start("free-reflection").session_id
        asked = core.turn(session, heavy)
        assert asked.state == "check" and asked.check is not None
        assert [a.id for a in asked.check.answers] == ["yes", "no", "not_sure"]
        assert asked.said == heavy and resident_messages(core, session) == [heavy]
        went_on = core.answer_check(session, "no")
        assert went_on.state == "active" and went_on.reflection
    finally:
        core.close()


def test_a_crisis_reply_carries_the_residents_plan_and_other_replies_do_not(core):
    core.save_safety_plan({"on_my_own": "walk to the river"})
    session = core.start("free-reflection").session_id
    calm = core.turn(session, SHIFT)
    assert calm.state == "active" and calm.plan is None
    crisis = core.turn(session, "I want to kill myself tonight.")
    assert crisis.state == "crisis" and crisis.plan is not None
    assert [p.text for p in crisis.plan.written()] == ["walk to the river"]
