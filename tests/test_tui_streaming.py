"""Pilot test of a streamed reply on the real model process with a tiny generator:
a "companion is writing…" placeholder grows with the streamed pieces on the UI
thread, then the final reply takes its place (with a quiet note when guardrails
chose the reviewed wording).
"""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest
from textual.widgets import Markdown, Static, TextArea
from tui_support import until

from companion.service.proxy import ProcessCompanion
from companion.tui.app import make_app
from companion.tui.screens.reflection import ReflectionScreen
from companion.tui.widgets.conversation import (
    REVIEWED_NOTE,
    WRITING,
    Conversation,
    PendingReply,
)

pytestmark = pytest.mark.slow
MESSAGE = "The night shift was long and I barely slept before driving home."


async def test_streamed_pieces_grow_a_placeholder_then_the_reply_replaces_it(
        generator_service, monkeypatch):
    placeholders: list[str] = []  # what the placeholder showed when it appeared
    grown: list[tuple[str, bool, int]] = []  # its text, on screen?, thread, per piece
    results: list = []

    start_reply, grow, show_result = (Conversation.start_reply, PendingReply.grow,
                                      ReflectionScreen.show_result)

    async def recording_start(self):
        pending = await start_reply(self)
        placeholders.append(str(pending.render()))
        return pending

    def recording_grow(self, piece):
        grow(self, piece)
        grown.append((str(self.render()), self.is_attached, threading.get_ident()))

    async def recording_show(self, result):
        results.append(result)
        await show_result(self, result)

    monkeypatch.setattr(Conversation, "start_reply", recording_start)
    monkeypatch.setattr(PendingReply, "grow", recording_grow)
    monkeypatch.setattr(ReflectionScreen, "show_result", recording_show)

    client, _ = generator_service
    app = make_app(api=ProcessCompanion(client))
    async with app.run_test(size=(100, 32)) as pilot:
        ui_thread = threading.get_ident()
        await until(pilot, lambda: app.flows and app.journal_state == "open")
        app.open_screen("reflection", flow=next(f for f in app.flows
                                                if f.id == "after-hard-shift"))
        await until(pilot, lambda: isinstance(app.screen, ReflectionScreen)
                    and app.screen.state == "active" and results)
        screen = app.screen
        area = screen.query_one("#message-input", TextArea)
        area.focus()
        area.insert(MESSAGE)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(results) == 2 and not screen.query(PendingReply))
        await pilot.pause(0.1)

        assert placeholders == [WRITING]
        assert grown, "streamed pieces reached the placeholder"
        texts = [text for text, _, _ in grown]
        assert all(text.startswith(WRITING) for text in texts)
        assert all(len(a) <= len(b) and b.startswith(a) for a, b in pairwise(texts))
        assert len(texts[-1]) > len(WRITING)
        assert all(on_screen for _, on_screen, _ in grown)
        assert {thread for _, _, thread in grown} == {ui_thread}

        result = results[-1]
        blocks = [b for b in screen.query("#conversation Markdown") if isinstance(b, Markdown)]
        assert blocks[-1].source == result.reply
        assert "turn-companion" in blocks[-1].classes
        notes = [str(s.render()) for s in screen.query("#conversation .turn-note")
                 if isinstance(s, Static)]
        streamed = texts[-1][len(WRITING):].strip()
        if result.generator_fallback:
            assert notes == [REVIEWED_NOTE]
            assert result.question in result.reply
        else:
            assert notes == []
            assert result.reply == streamed.split("\n")[0].strip()
