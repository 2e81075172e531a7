"""The conversation: one Markdown block per turn, newest at the bottom."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Markdown


class Conversation(VerticalScroll):
    """Scrolls to the newest turn; the resident's turns are indented and shaded."""

    can_focus = True

    async def add(self, role: str, text: str) -> Markdown:
        block = Markdown(text, classes="turn-you" if role == "you" else "turn-companion")
        await self.mount(block)
        self.scroll_end(animate=False)
        return block
