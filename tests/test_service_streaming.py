"""Streaming through the model process: a turn's generated pieces arrive as ``token``
events before its reply, and ``await client.call(..., on_token=...)`` hands them to
the caller on the event loop thread, all before the call returns.

The real child runs with the real embedding model and a tiny random generator
(the ``tiny_model_dir`` fixture), so its words are nonsense: the final reply is
either exactly the streamed text or the curated text with the guardrail's reason.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

pytestmark = pytest.mark.slow
FIRST = "The night shift was long and I barely slept before driving home."
SECOND = "I feel completely drained and I keep replaying one admission."


def assert_final_reply(result: dict, pieces: list[str]) -> None:
    """The reply is the streamed words as guarded, or the curated words with a reason."""
    streamed = "".join(pieces).split("\n")[0].strip()
    if result["generator_fallback"] is None:
        assert result["reply"] == streamed
    else:
        assert isinstance(result["generator_fallback"], str) and result["generator_fallback"]
        assert result["reply"] != streamed
        assert result["reflection"] in result["reply"]
        assert result["question"] in result["reply"]


def test_turn_streams_token_events_before_its_result(generator_service):
    client, _ = generator_service
    seen: list[tuple[str, object]] = []  # in the order the reader thread saw them
    client.on_event = lambda event: seen.append(("event", event))
    try:
        session = client.call_blocking("start", timeout=300, flow_id="after-hard-shift")
        assert client.call_blocking("status")["generator_problem"] == ""

        # 1. Protocol: with no per-call callback, token events go to on_event, first.
        future = client.submit("turn", session_id=session["session_id"], text=FIRST)
        future.add_done_callback(lambda done: seen.append(("result", done.result())))
        result = future.result(300)
        tokens = [event for kind, event in seen if kind == "event"
                  and event["event"] == "token"]
        assert tokens, "the generator's pieces were streamed as events"
        assert len({event["request"] for event in tokens}) == 1
        assert isinstance(tokens[0]["request"], int)
        kinds = [kind if kind == "result" else item["event"] for kind, item in seen]
        last_token = max(i for i, kind in enumerate(kinds) if kind == "token")
        assert kinds.index("result") > last_token
        assert_final_reply(result, [event["text"] for event in tokens])

        # 2. asyncio: a per-call callback, run on the loop's thread before the call returns.
        before = len(seen)
        delivered: list[tuple[str, int]] = []

        async def turn() -> tuple[dict, int]:
            reply = await client.call("turn", session_id=session["session_id"], text=SECOND,
                                      on_token=lambda piece: delivered.append(
                                          (piece, threading.get_ident())))
            return reply, len(delivered)

        second, count_at_return = asyncio.run(turn())
        assert delivered and count_at_return == len(delivered)
        assert {thread for _, thread in delivered} == {threading.get_ident()}
        assert not [e for kind, e in seen[before:] if kind == "event" and e["event"] == "token"]
        assert_final_reply(second, [piece for piece, _ in delivered])
    finally:
        client.on_event = None
