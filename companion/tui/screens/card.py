"""One advice card in full: body, reflection questions, what to ask a mentor, sources."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from companion.cards import Card
from companion.service.errors import ServiceError
from companion.service.results import CardView
from companion.tui.screens import companion_app


def card_view(card: Card) -> CardView:
    """A card read from the files (the mentor's review screen) in the API's shape."""
    return CardView(id=card.id, title=card.title, topic=card.topic, topics=list(card.all_topics),
                    audience=card.audience, sources=list(card.sources),
                    reflect=list(card.reflect), ask_mentor=list(card.ask_mentor), body=card.body,
                    now=card.now)


def card_markdown(card: CardView) -> str:
    parts = [f"# {card.title}", f"**Right now:** {card.now}" if card.now else "", card.body]
    if card.reflect:
        parts.append("## To reflect on\n" + "\n".join(f"- {q}" for q in card.reflect))
    if card.ask_mentor:
        parts.append("## To ask your mentor\n" + "\n".join(f"- {q}" for q in card.ask_mentor))
    if card.sources:
        parts.append("## Sources\n" + "\n".join(f"- {s}" for s in card.sources))
    meta = ", ".join(x for x in (card.topic, card.audience) if x)
    if meta:
        parts.append(f"*{meta}*")
    return "\n\n".join(p for p in parts if p)


class CardScreen(ModalScreen[None]):
    """Loads the card by id from the card index; escape closes."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, card_id: str):
        super().__init__(classes="dialog")
        self.card_id = card_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="card-box"):
            with VerticalScroll(id="card-scroll"):
                yield Markdown("Loading the card…", id="card-body")
            yield Static("escape to close", classes="hint")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        app = companion_app(self)
        try:
            card = await app.api.card(self.card_id)
        except ServiceError as exc:
            app.report(exc, "opening the card")
            self.dismiss()
            return
        await self.query_one("#card-body", Markdown).update(card_markdown(card))
        self.query_one("#card-scroll").focus()
