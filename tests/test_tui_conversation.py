"""The conversation stays on its newest turn while long Markdown replies lay out."""

from __future__ import annotations

from textual.app import App, ComposeResult

from companion.tui.widgets.conversation import Conversation

LONG_REPLY = "\n\n".join(f"Paragraph {i}: " + "a reply that wraps over lines " * 6
                         for i in range(12))


class _Host(App):
    def compose(self) -> ComposeResult:
        yield Conversation(id="conversation")


async def test_a_long_reply_leaves_the_view_on_its_last_line():
    app = _Host()
    async with app.run_test(size=(60, 16)) as pilot:
        conversation = app.query_one(Conversation)
        for turn in range(3):
            await conversation.add("you", f"message {turn}")
            await conversation.finish_reply(LONG_REPLY)
        await pilot.pause(0.2)
        assert conversation.max_scroll_y > 0
        assert conversation.scroll_y == conversation.max_scroll_y


async def test_reading_back_is_not_pulled_down_until_the_next_turn():
    app = _Host()
    async with app.run_test(size=(60, 16)) as pilot:
        conversation = app.query_one(Conversation)
        await conversation.finish_reply(LONG_REPLY)
        await pilot.pause(0.2)
        conversation.focus()
        await pilot.press("home")
        await pilot.pause(0.1)
        assert conversation.scroll_y == 0
        await conversation.add("you", "a new message")
        await pilot.pause(0.2)
        assert conversation.scroll_y == conversation.max_scroll_y
