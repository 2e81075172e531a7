"""Knowledge browser: search the advice cards with the same retriever, filter, read one."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from companion.service.errors import ServiceError
from companion.tui.screens import companion_app

AUDIENCES = [("For residents", "resident"), ("For mentors", "mentor")]


class KnowledgeScreen(Screen):
    """Empty search lists every card of the chosen topic and audience."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="main"):
            with Horizontal(classes="filters"):
                yield Input(placeholder="Search advice (Enter)", id="kb-search")
                yield Select([], prompt="Any topic", id="kb-topic")
                yield Select(AUDIENCES, prompt="Any audience", id="kb-audience")
            yield Static("", id="kb-count", classes="hint")
            table: DataTable = DataTable(id="kb-results", cursor_type="row", zebra_stripes=True)
            table.add_columns("Title", "Topic", "For")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Knowledge"
        self.query_one("#kb-search", Input).focus()
        self.prepare()

    @work(exclusive=True, group="labels", exit_on_error=False)
    async def prepare(self) -> None:
        app = companion_app(self)
        try:
            self.labels = await app.api.topic_labels()
        except ServiceError as exc:
            app.report(exc, "loading the topics")
            self.labels = {}
        self.query_one("#kb-topic", Select).set_options(
            [(label, topic_id) for topic_id, label in self.labels.items()])
        self.search()

    def action_search(self) -> None:
        self.query_one("#kb-search", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "/ Search" while the box has focus would be a promise the box breaks: there
        # the key types a "/" (a query may hold one: "ICU/ward"), so the footer hides it.
        if action == "search" and isinstance(self.app.focused, Input):
            return False
        return True

    @on(Input.Submitted, "#kb-search")
    def _submitted(self) -> None:
        self.search()
        self.query_one("#kb-results", DataTable).focus()

    @on(Select.Changed)
    def _filtered(self) -> None:
        self.search()

    def _filter(self, widget_id: str) -> str | None:
        value = self.query_one(widget_id, Select).value
        return value if isinstance(value, str) else None

    @work(exclusive=True, group="search", exit_on_error=False)
    async def search(self) -> None:
        app = companion_app(self)
        # a "/" pressed for "Search" just before typing lands in the box: not a query word
        query = self.query_one("#kb-search", Input).value.strip().lstrip("/").strip()
        topic, audience = self._filter("#kb-topic"), self._filter("#kb-audience")
        count = self.query_one("#kb-count", Static)
        if app.models_state == "loading":
            count.update("Waiting for the models to load…")
        try:
            if query:
                cards = await app.api.search_cards(query, k=15, topic=topic, audience=audience)
            else:
                cards = await app.api.list_cards(topic=topic, audience=audience)
        except ServiceError as exc:
            app.report(exc, "searching the advice cards")
            count.update("")
            return
        labels: dict[str, str] = getattr(self, "labels", {})
        table = self.query_one("#kb-results", DataTable)
        table.clear()
        for card in cards:
            table.add_row(card.title, labels.get(card.topic, card.topic), card.audience,
                          key=card.id)
        count.update(f"{len(cards)} card(s)" + (f" for “{query}”" if query else "")
                     + ". Enter reads a card.")

    @on(DataTable.RowSelected, "#kb-results")
    def _open(self, event: DataTable.RowSelected) -> None:
        from companion.tui.screens.card import CardScreen

        if event.row_key.value:
            self.app.push_screen(CardScreen(event.row_key.value))
