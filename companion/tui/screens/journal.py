"""Journal: past sessions, searchable, with their summaries and topics; open one to read it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Markdown, Static

from companion.journal import SessionRecord
from companion.journal.display import (
    flow_title,
    local_date,
    local_time,
    speaker,
    summary_sentences,
)
from companion.mentor_reviews import MentorReview, session_review_markdown
from companion.service.errors import ServiceError
from companion.textnorm import strip_controls
from companion.tui.screens import companion_app


def summary_line(session: SessionRecord) -> str:
    lines = summary_sentences(session)
    return lines[0][:80] if lines else ""


def flow_titles(node) -> dict[str, str]:
    return {flow.id: flow.title for flow in getattr(companion_app(node), "flows", [])}


def session_markdown(session: SessionRecord, titles: dict[str, str],
                     reviews: list[MentorReview] | None = None) -> str:
    parts = [f"# {flow_title(session.flow, titles)} · {local_time(session.started_at)}"]
    summary = summary_sentences(session)
    if summary:
        parts.append("## Summary\n\n" + "\n\n".join(summary))
    if session.topics:
        parts.append("## Topics\n\n" + "\n".join(
            f"- **{t.title}** ({t.status})" for t in session.topics))
        mentor = session_review_markdown(reviews or [], {t.id for t in session.topics})
        if mentor:
            parts.append("## From your mentor\n\n" + strip_controls(mentor))
    if session.messages:
        lines = [f"**{speaker(m.role)}** ({local_time(m.created_at, '%H:%M')}): {m.text}"
                 for m in session.messages]
        parts.append("## Conversation\n\n" + "\n\n".join(lines))
    return "\n\n".join(parts)


class SessionScreen(Screen):
    """One past session, read-only."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, session_id: int):
        super().__init__()
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="session-body", classes="main"):
            yield Markdown("Loading…", id="session-text")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Journal"
        self.load()

    @work(exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        app = companion_app(self)
        try:
            session = await app.api.session(self.session_id)
            reviews = await app.api.reviews() if session.topics else []
        except ServiceError as exc:
            app.report(exc, "opening the session")
            return
        await self.query_one("#session-text", Markdown).update(
            session_markdown(session, flow_titles(self), reviews))
        self.query_one("#session-body").focus()


class JournalScreen(Screen):
    """Search box over a table of sessions; Enter opens one."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="main"):
            yield Input(placeholder="Search your reflections (Enter)", id="journal-search")
            yield Static("", id="journal-count", classes="hint")
            table: DataTable = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            table.add_columns("Date", "Flow", "Summary")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Journal"
        self.query_one("#sessions", DataTable).focus()
        self.load("")

    def action_search(self) -> None:
        self.query_one("#journal-search", Input).focus()

    @on(Input.Submitted, "#journal-search")
    def _search(self, event: Input.Submitted) -> None:
        self.load(event.value.strip())
        self.query_one("#sessions", DataTable).focus()

    @work(exclusive=True, exit_on_error=False)
    async def load(self, query: str) -> None:
        app = companion_app(self)
        try:
            sessions = await app.api.sessions(query)
            if not app.flows:  # the journal opened before home loaded them: titles need them
                app.flows = await app.api.flows()
        except ServiceError as exc:
            app.report(exc, "searching the journal")
            return
        table = self.query_one("#sessions", DataTable)
        table.clear()
        titles = flow_titles(self)
        for session in sessions:
            table.add_row(local_date(session.started_at), flow_title(session.flow, titles),
                          summary_line(session), key=str(session.id))
        noun = "session" if len(sessions) == 1 else "sessions"
        where = f" matching “{query}”" if query else ""
        self.query_one("#journal-count", Static).update(f"{len(sessions)} {noun}{where}.")

    @on(DataTable.RowSelected, "#sessions")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key is not None and key.isdigit():
            self.app.push_screen(SessionScreen(int(key)))
