"""The advice cards retrieved for the latest turn (title, what to do right now, topic, source)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual.message import Message
from textual.widgets import ListItem, ListView, Static

from companion.service.results import CardHit


class AdviceList(ListView):
    """Enter on a card asks to open it (``AdviceList.Open``)."""

    class Open(Message):
        def __init__(self, card: CardHit):
            super().__init__()
            self.card = card

    cards: list[CardHit] = []

    def show(self, cards: Sequence[CardHit], labels: dict[str, str]) -> None:
        self.clear()
        self.cards = list(cards)
        if not cards:
            self.append(ListItem(Static("No advice for this turn yet.", classes="hint"),
                                 disabled=True))
            return
        for card in cards:
            topic = labels.get(card.topic, card.topic)
            source = (card.sources or [""])[0]
            now = f"\n{escape(card.now)}" if card.now else ""
            text = (f"[b]{escape(card.title)}[/b]{now}\n[dim]{escape(topic)}"
                    f"{' · ' + escape(source) if source else ''}[/dim]")
            self.append(ListItem(Static(text), name=card.id))
        self.call_after_refresh(setattr, self, "index", 0)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        index = self.index
        cards = self.cards
        if index is not None and 0 <= index < len(cards):
            self.post_message(self.Open(cards[index]))

    def on_focus(self) -> None:
        if self.index is None and len(self) > 0:
            self.index = 0
