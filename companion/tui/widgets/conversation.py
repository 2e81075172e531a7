"""The conversation: one Markdown block per turn, newest at the bottom.

While the companion answers, a placeholder ("companion is writing…") stands
where its reply will be and grows with the pieces the optional generator
streams; the final reply replaces it, since guardrails may still swap the
streamed words for the reviewed ones (a quiet note says so).
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Markdown, Static

WRITING = "companion is writing…"
REVIEWED_NOTE = "(used the reviewed wording)"


class PendingReply(Static):
    """The companion's reply on its way: a placeholder plus the pieces streamed so far."""

    def __init__(self) -> None:
        super().__init__(f"[i]{WRITING}[/i]", classes="turn-companion turn-pending")
        self.streamed = ""

    def grow(self, piece: str) -> None:
        self.streamed += piece
        self.update(f"[i]{WRITING}[/i]\n{escape(self.streamed.strip())}")


class Conversation(VerticalScroll):
    """Scrolls to the newest turn; the resident's turns are indented and shaded."""

    DEFAULT_CSS = """
    Conversation .turn-pending {
        color: $text-muted;
        margin: 1 0 0 0;
        padding: 0 1;
    }
    Conversation .turn-note {
        color: $text-muted;
        text-style: italic;
        padding: 0 1;
    }
    """

    can_focus = True
    pending: PendingReply | None = None

    def on_mount(self) -> None:
        # Markdown turns finish their layout after they are mounted; anchored, the view
        # follows them to the last line (a slow machine left it short of the end) and
        # lets go while the resident scrolls back to read.
        self.anchor()

    async def add(self, role: str, text: str) -> Markdown:
        """A turn at the bottom; the resident's goes above a reply already on its way."""
        block = Markdown(text, classes="turn-you" if role == "you" else "turn-companion")
        pending = self.pending
        if role == "you" and pending is not None and pending.is_attached:
            await self.mount(block, before=pending)
        else:
            await self.mount(block)
        self.scroll_end(animate=False)
        return block

    async def start_reply(self) -> PendingReply:
        """Show the placeholder for the reply being written (one at a time)."""
        self.drop_pending()
        self.pending = PendingReply()
        await self.mount(self.pending)
        self.scroll_end(animate=False)
        return self.pending

    def stream(self, piece: str) -> None:
        """Add a streamed piece to the placeholder (ignored once the reply is final)."""
        if self.pending is not None:
            self.pending.grow(piece)
            self.scroll_end(animate=False)

    async def finish_reply(self, text: str, note: str = "") -> Markdown:
        """The final reply, in place of the placeholder if there is one; ``note`` under it."""
        pending, self.pending = self.pending, None
        block = Markdown(text, classes="turn-companion")
        if pending is not None and pending.is_attached:
            await self.mount(block, after=pending)
            await pending.remove()
        else:
            await self.mount(block)
        if note:
            await self.mount(Static(note, classes="turn-note", markup=False), after=block)
        self.scroll_end(animate=False)
        return block

    def drop_pending(self, which: PendingReply | None = None) -> None:
        """Take the placeholder (or only ``which``) away: no reply is coming for it."""
        pending = self.pending
        if pending is None or (which is not None and pending is not which):
            return
        self.pending = None
        if pending.is_attached:
            pending.remove()
