"""Pilot tests of the moments a resident remembers: ending a reflection, a message too
long to send, sending before the reflection is open, quitting mid-session.

All on the in-process API with small fakes (``tui_support.fake_api``). Keys are
spelled out literally here, so a test fails if the screen's keys change without
the promise in its hint.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Markdown, Static, TextArea
from tui_support import fake_api, fake_models, screen_name, until

from companion.dialogue.cleaning import MAX_MESSAGE_CHARS
from companion.service.inprocess import InProcessCompanion
from companion.service.local import LocalCompanion
from companion.tui.app import make_app
from companion.tui.screens.reflection import ReflectionScreen
from companion.tui.widgets.conversation import Conversation

END = "ctrl+g"
CHECKIN = "ctrl+o"
HARD_SHIFT = ("My attending yelled at me in front of the whole team this morning and now "
              "I keep thinking I am not good enough to be a doctor.")
CRISIS = "I can't do this anymore. I want to kill myself tonight."


@pytest.fixture
async def service():
    api = fake_api()
    yield api
    await api.close()


async def open_flow(pilot, app, flow_id: str = "after-hard-shift") -> ReflectionScreen:
    await until(pilot, lambda: app.flows and app.journal_state == "open")
    app.open_screen("reflection", flow=next(f for f in app.flows if f.id == flow_id))
    await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                and app.screen.state == "active")
    screen = app.screen
    assert isinstance(screen, ReflectionScreen)
    return screen


def conversation_text(screen) -> str:
    return "\n".join(block.source for block in screen.query("#conversation Markdown")
                     if isinstance(block, Markdown))


async def send(pilot, screen, text: str) -> None:
    area = screen.query_one("#message-input", TextArea)
    area.focus()
    area.insert(text)
    await pilot.press("ctrl+s")


async def send_and_wait(pilot, screen, text: str) -> None:
    turns = len(screen.query(".turn-you"))
    await send(pilot, screen, text)

    def answered() -> bool:
        status = str(screen.query_one("#turn-status", Static).render())
        return (len(screen.query(".turn-you")) > turns and "…" not in status
                and screen.query_one(Conversation).pending is None)

    await until(pilot, answered, timeout=60)


# -- 1 and 2: ending a reflection, from the message box ------------------------------
def test_no_reflection_key_is_one_the_message_box_takes():
    """TextArea handles ctrl+e, ctrl+k... before the screen: such a key does nothing."""
    taken = {key for binding in TextArea.BINDINGS for key in binding.key.split(",")}
    ours = {key for binding in ReflectionScreen.BINDINGS for key in binding.key.split(",")}
    assert ours & taken == set()
    assert END in ours and CHECKIN in ours


async def test_end_key_from_the_message_box_shows_the_summary(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app)
        await send_and_wait(pilot, screen, HARD_SHIFT)
        area = screen.query_one("#message-input", TextArea)
        assert app.focused is area
        assert END in str(screen.query_one("#turn-status", Static).render())
        await pilot.press(END)
        await until(pilot, lambda: screen.state == "closed" and "---" in
                    conversation_text(screen), timeout=60)
        assert area.disabled
        assert "ended" in str(screen.query_one("#turn-status", Static).render())
        stored = await service.session(screen.session_id)
        assert stored.ended_at and stored.summary.get("text")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "HomeScreen", timeout=30)


async def test_a_flow_that_reaches_its_closing_step_shows_the_summary(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app)
        for text in (HARD_SHIFT, "Tired and wired, I could not eat all night.",
                     "That helps, thank you.", "I will sleep first, then talk to my mentor.",
                     "Nothing more for now, thanks.", "That is all."):
            if screen.state == "closed":
                break
            await send_and_wait(pilot, screen, text)
        await until(pilot, lambda: screen.state == "closed", timeout=60)
        await until(pilot, lambda: "---" in conversation_text(screen), timeout=30)
        assert screen.query_one("#message-input", TextArea).disabled


async def test_ending_from_the_crisis_screen_goes_home_with_a_summary(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app)
        await send(pilot, screen, CRISIS)
        await until(pilot, lambda: screen_name(app) == "ResourcesScreen", timeout=60)
        await pilot.press("e")  # "End the session"
        await until(pilot, lambda: screen_name(app) == "HomeScreen", timeout=60)
        stored = await service.session(screen.session_id)
        assert stored.ended_at is not None


# -- 3: a message over the limit -----------------------------------------------------
async def test_a_long_message_shows_the_limit_and_stays_in_the_box_when_refused(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app, "free-reflection")
        area = screen.query_one("#message-input", TextArea)
        count = screen.query_one("#message-count", Static)
        area.focus()
        area.insert("word " * 100)
        await pilot.pause()
        assert not count.display, "no counter far below the limit"
        area.insert("x" * (MAX_MESSAGE_CHARS - 1200))
        await pilot.pause()
        assert count.display and f"/ {MAX_MESSAGE_CHARS:,} characters" in str(count.render())
        area.insert("long paste " * 9000)  # about 100 KB in all
        await pilot.pause()
        assert "too long" in str(count.render())
        pasted = area.text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("limit" in n.message for n in app._notifications),
                    timeout=60)
        await until(pilot, lambda: not area.read_only, timeout=30)
        assert area.text == pasted, "the refused message is still in the box"
        assert not screen.query(".turn-you"), "nothing shown as sent"
        stored = await service.session(screen.session_id)
        assert not [m for m in stored.messages if m.role == "resident"]


# -- 4: ctrl+s before the reflection is open -----------------------------------------
class SlowStart(InProcessCompanion):
    """Opening a reflection waits for ``gate``: a model process still loading."""

    def __init__(self) -> None:
        super().__init__(LocalCompanion(**fake_models()))  # type: ignore[arg-type]
        self.gate = asyncio.Event()

    async def start(self, flow_id: str):
        await self.gate.wait()
        return await super().start(flow_id)


async def test_ctrl_s_while_opening_is_sent_once_the_reflection_is_open():
    api = SlowStart()
    app = make_app(api=api)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await until(pilot, lambda: app.flows and app.journal_state == "open")
            app.open_screen("reflection", flow=next(f for f in app.flows
                                                    if f.id == "free-reflection"))
            await until(pilot, lambda: screen_name(app) == "ReflectionScreen"
                        and any("Opening" in str(w.render())
                                for w in app.screen.query("#turn-status")))
            screen = app.screen
            assert screen.state == "starting"
            await send(pilot, screen, "Written before it opened.")
            await pilot.pause()
            assert "as soon as it is open" in str(
                screen.query_one("#turn-status", Static).render())
            api.gate.set()
            await until(pilot, lambda: "Written before it opened." in conversation_text(screen),
                        timeout=60)
            stored = await api.session(screen.session_id)
            assert [m.text for m in stored.messages if m.role == "resident"] == [
                "Written before it opened."]
    finally:
        await api.close()


# -- ctrl+q mid-reflection ------------------------------------------------------------
async def test_quitting_mid_reflection_saves_its_summary(service):
    app = make_app(api=service)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_flow(pilot, app)
        await send_and_wait(pilot, screen, HARD_SHIFT)
        session_id = screen.session_id
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None, timeout=60)
    stored = await service.session(session_id)
    assert stored.ended_at is not None
    assert "After a hard shift" in stored.summary.get("text", "")
