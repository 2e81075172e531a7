"""The optional generator: real loading and streaming code on a tiny random model,
and each guardrail that sends the curated text back instead."""

from __future__ import annotations

import pytest

from companion.dialogue.generator import GeneratorError, LocalGenerator
from companion.dialogue.guardrails import guarded, rejection_reason

CURATED = "It sounds like you are running on very little. When can you next rest?"


def test_tiny_model_loads_offline_and_streams_tokens(tiny_model_dir, no_network):
    generator = LocalGenerator.load(tiny_model_dir)
    pieces = list(generator.stream("you sound tired", max_new_tokens=8))
    assert 1 <= len(pieces) <= 8
    assert all(isinstance(p, str) for p in pieces)


def test_rephrase_returns_guarded_text_or_curated_with_reason(tiny_model_dir):
    generator = LocalGenerator.load(tiny_model_dir)
    streamed = []
    text, reason = generator.rephrase("It sounds like you are running on very little.",
                                      "When can you next rest?", ["Sleep after nights"],
                                      on_token=streamed.append)
    assert streamed, "tokens were streamed to the callback"
    if reason is None:
        assert text == "".join(streamed).split("\n")[0].strip()
    else:
        assert text == CURATED


def test_crisis_never_reaches_the_model(tiny_model_dir):
    generator = LocalGenerator.load(tiny_model_dir)
    calls = []
    text, reason = generator.rephrase("r", "q?", [], safety_level="crisis", on_token=calls.append)
    assert reason and "crisis" in reason
    assert calls == []


def test_missing_or_wrong_generator_path_is_a_clear_error(tmp_path):
    with pytest.raises(GeneratorError, match="not found"):
        LocalGenerator.load(tmp_path / "nowhere")
    odd = tmp_path / "weights.bin"
    odd.write_bytes(b"0")
    with pytest.raises(GeneratorError, match="directory or a .gguf"):
        LocalGenerator.load(odd)


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("You sound exhausted " * 30 + "?", "too long"),
        ("Try 25 mg of something to sleep. When can you rest?", "medical or medication advice"),
        ("Maybe ask your doctor to prescribe something?", "medical or medication advice"),
        ("Call 555-0199 tonight. When can you rest?", "invented phone number"),
        ("Visit www.rest-now.com. When can you rest?", "invented link"),
        ("There is a hotline for this. When can you rest?", "invented resource"),
        ("Are you thinking about suicide? When can you rest?", "contradicts the safety screen"),
        ("   ", "empty"),
        ("You might want to take a break to get some rest.", "dropped the question"),
    ],
)
def test_each_guardrail_falls_back_to_curated(candidate, reason):
    assert rejection_reason(candidate, CURATED, "none") == reason
    text, why = guarded(candidate, CURATED, "none")
    assert text == CURATED and why == reason


def test_a_good_rephrasing_passes():
    candidate = "You sound worn out. When could you get some real rest?"
    assert guarded(candidate, CURATED) == (candidate, None)


def test_engine_with_a_generator_streams_and_never_sends_crisis(tiny_model_dir, real_retriever):
    from companion.dialogue.engine import Engine

    engine = Engine(retriever=real_retriever, generator=LocalGenerator.load(tiny_model_dir))
    session = engine.start("free-reflection").session_id
    pieces: list[str] = []
    result = engine.turn(session, "I want to get better at presenting on rounds.",
                         on_token=pieces.append)
    assert pieces, "the generator streamed"
    if result.generator_fallback is None:
        assert result.reply.endswith("".join(pieces).split("\n")[0].strip())
    else:
        assert result.reflection in result.reply and result.question in result.reply
    pieces.clear()
    crisis = engine.turn(session, "I have a plan to end my life this weekend.",
                         on_token=pieces.append)
    assert crisis.state == "crisis" and pieces == []
