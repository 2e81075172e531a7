"""Mentor topics suggested so far: accept, edit or dismiss each with one key."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual.binding import Binding
from textual.message import Message
from textual.widgets import ListItem, ListView, Static

from companion.service.results import MentorTopic

MARK = {"accepted": "✓ ", "dismissed": "✗ ", "suggested": "• ", "shared": "✓ ",
        "discussed": "✓ "}


class TopicList(ListView):
    """Posts ``TopicList.Act(topic, action)`` for a (accept), e (edit), d (dismiss)."""

    BINDINGS = [
        Binding("a", "act('accept')", "Accept topic"),
        Binding("e", "act('edit')", "Edit topic"),
        Binding("d", "act('dismiss')", "Dismiss topic"),
    ]

    class Act(Message):
        def __init__(self, topic: MentorTopic, action: str):
            super().__init__()
            self.topic = topic
            self.action = action

    topics: list[MentorTopic] = []

    def show(self, topics: Sequence[MentorTopic]) -> None:
        keep = self.index
        self.clear()
        self.topics = list(topics)
        if not topics:
            self.append(ListItem(Static("Topics for your mentor appear here.", classes="hint"),
                                 disabled=True))
            return
        for topic in topics:
            status = topic.status
            text = f"{MARK.get(status, '• ')}[b]{escape(topic.title)}[/b]"
            if status != "suggested":
                text += f" [dim]({status})[/dim]"
            self.append(ListItem(Static(text), name=str(topic.id)))
        index = 0 if keep is None else min(keep, len(topics) - 1)
        self.call_after_refresh(setattr, self, "index", index)

    def action_act(self, action: str) -> None:
        topics = self.topics
        if self.index is not None and 0 <= self.index < len(topics):
            self.post_message(self.Act(topics[self.index], action))

    def on_focus(self) -> None:
        if self.index is None and len(self) > 0:
            self.index = 0
