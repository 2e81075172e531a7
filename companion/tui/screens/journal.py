"""Journal: past sessions, searchable, with their summaries and topics; open one to read it."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Markdown, Static

from companion.service.client import ServiceError


def summary_line(session: dict[str, Any]) -> str:
    summary = session.get("summary") or {}
    text = summary.get("text") or ""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first.replace("**", "")[:80]


def session_markdown(session: dict[str, Any]) -> str:
    parts = [f"# {session.get('flow', '')} · {session.get('started_at', '')[:16]}"]
    summary = session.get("summary") or {}
    if summary.get("text"):
        parts.append("## Summary\n\n" + summary["text"])
    topics = session.get("topics") or []
    if topics:
        parts.append("## Topics\n\n" + "\n".join(
            f"- **{t.get('title', '')}** ({t.get('status', '')})" for t in topics))
    messages = session.get("messages") or []
    if messages:
        lines = []
        for message in messages:
            who = "You" if message.get("role") == "resident" else "Companion"
            lines.append(f"**{who}:** {message.get('text', '')}")
        parts.append("## Conversation\n\n" + "\n\n".join(lines))
    return "\n\n".join(parts)


class SessionScreen(Screen):
    """One past session, read-only."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, session_id: Any):
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
        app: Any = self.app
        try:
            session = await app.core("session", session_id=self.session_id)
        except ServiceError as exc:
            app.report(exc, "opening the session")
            return
        await self.query_one("#session-text", Markdown).update(session_markdown(session))
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
        app: Any = self.app
        try:
            sessions = await app.core("sessions", query=query)
        except ServiceError as exc:
            app.report(exc, "searching the journal")
            return
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for session in sessions:
            table.add_row(session.get("started_at", "")[:10], session.get("flow", ""),
                          summary_line(session), key=str(session.get("id")))
        noun = "session" if len(sessions) == 1 else "sessions"
        where = f" matching “{query}”" if query else ""
        self.query_one("#journal-count", Static).update(f"{len(sessions)} {noun}{where}.")

    @on(DataTable.RowSelected, "#sessions")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key is not None:
            self.app.push_screen(SessionScreen(int(key) if key.isdigit() else key))
