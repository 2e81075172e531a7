"""Mentor agenda: the accepted topics, in order, ready to export or share.

Exports are always checked for patient identifiers first; the resident redacts,
keeps or cancels before anything is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from companion.service.client import ServiceError

ON_AGENDA = {"accepted", "shared"}
EMPTY = ("No topics on your agenda yet. In a reflection, accept a suggested topic "
         "with a and it appears here.")


class AgendaScreen(Screen):
    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("d", "remove", "Remove"),
        Binding("left_square_bracket", "move(-1)", "Up", key_display="["),
        Binding("right_square_bracket", "move(1)", "Down", key_display="]"),
        Binding("m", "export('md')", "Export Markdown"),
        Binding("J", "export('json')", "Export JSON", key_display="J"),
        Binding("i", "import_review", "Import review"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="main"):
            yield Static("Loading your agenda…", id="agenda-count", classes="hint")
            table: DataTable = DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
            table.add_columns("#", "Topic", "Status", "Why (your words)")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Mentor agenda"
        self.topics: list[dict[str, Any]] = []
        self.load()

    @property
    def _app(self) -> Any:
        return self.app

    @work(exclusive=True, group="agenda", exit_on_error=False)
    async def load(self) -> None:
        try:
            topics = await self._app.core("topics")
        except ServiceError as exc:
            self._app.report(exc, "loading the agenda")
            return
        self.topics = [t for t in topics if t.get("status") in ON_AGENDA]
        self.topics.sort(key=lambda t: (t.get("position", 0), t.get("id", 0)))
        table = self.query_one("#agenda", DataTable)
        row = table.cursor_row
        table.clear()
        for number, topic in enumerate(self.topics, start=1):
            table.add_row(str(number), topic.get("title", ""), topic.get("status", ""),
                          topic.get("rationale", ""), key=str(topic.get("id")))
        if self.topics:
            table.move_cursor(row=min(row, len(self.topics) - 1))
        count = f"{len(self.topics)} topic(s) to share." if self.topics else EMPTY
        self.query_one("#agenda-count", Static).update(count)

    def _current(self) -> dict[str, Any] | None:
        table = self.query_one("#agenda", DataTable)
        if not self.topics or table.cursor_row < 0 or table.cursor_row >= len(self.topics):
            return None
        return self.topics[table.cursor_row]

    def action_edit(self) -> None:
        if self._current():
            self.change(self._current(), "edit")

    def action_remove(self) -> None:
        if self._current():
            self.change(self._current(), "remove")

    @work(group="agenda-change", exit_on_error=False)
    async def change(self, topic: dict[str, Any], action: str) -> None:
        from companion.tui.screens.topic_edit import TopicEditDialog

        if action == "edit":
            changes = await self._app.push_screen_wait(TopicEditDialog(topic))
            if not changes:
                return
        else:
            changes = {"status": "dismissed"}
        try:
            await self._app.core("update_topic", topic_id=topic["id"], **changes)
        except ServiceError as exc:
            self._app.report(exc, "changing the topic")
            return
        self.load()

    def action_move(self, step: int) -> None:
        table = self.query_one("#agenda", DataTable)
        here = table.cursor_row
        there = here + step
        if self._current() and 0 <= there < len(self.topics):
            self.swap(self.topics[here], self.topics[there], there)

    @work(group="agenda-change", exit_on_error=False)
    async def swap(self, first: dict[str, Any], second: dict[str, Any], row: int) -> None:
        a, b = first.get("position", 0), second.get("position", 0)
        if a == b:
            b = a + 1
        try:
            await self._app.core("update_topic", topic_id=first["id"], position=b)
            await self._app.core("update_topic", topic_id=second["id"], position=a)
        except ServiceError as exc:
            self._app.report(exc, "reordering the agenda")
            return
        self.query_one("#agenda", DataTable).move_cursor(row=row)
        self.load()

    def action_export(self, fmt: str) -> None:
        if not self.topics:
            self.notify(EMPTY, severity="warning")
            return
        self.export(fmt)

    @work(exclusive=True, group="export", exit_on_error=False)
    async def export(self, fmt: str) -> None:
        from pathlib import Path

        from companion.tui.screens.input_dialog import InputDialog
        from companion.tui.screens.privacy import FindingsDialog

        default = Path.home() / f"mentor-agenda-{dt.date.today().isoformat()}.{fmt}"
        values = await self._app.push_screen_wait(
            InputDialog("Export the agenda", [("Save to file", str(default))],
                        note="Only the topics listed here are shared: no journal text, "
                        "no check-in scores."))
        if not values:
            return
        ids = [t["id"] for t in self.topics]
        options: dict[str, bool] = {}
        try:
            findings = await self._app.core("agenda_identifiers", topic_ids=ids)
            if findings:
                choice = await self._app.push_screen_wait(FindingsDialog(findings))
                if choice not in {"redact", "keep"}:
                    return
                options = {"redact": choice == "redact", "keep_identifiers": choice == "keep"}
            written = await self._app.core("export_agenda", fmt=fmt, path=values[0],
                                           topic_ids=ids, **options)
        except ServiceError as exc:
            self._app.report(exc, "exporting the agenda")
            return
        self.notify(f"Agenda saved to {written['path']}", timeout=8)
        self.load()

    def action_import_review(self) -> None:
        self.import_review()

    @work(exclusive=True, group="export", exit_on_error=False)
    async def import_review(self) -> None:
        from companion.tui.screens.input_dialog import InputDialog

        values = await self._app.push_screen_wait(
            InputDialog("Import your mentor's review", [("Reviewed agenda file", "")]))
        if not values:
            return
        try:
            done = await self._app.core("import_review", path=values[0])
        except ServiceError as exc:
            self._app.report(exc, "importing the review")
            return
        self.notify(f"Meeting recorded: {done.get('discussed', 0)} topic(s) discussed, "
                    f"{done.get('follow_ups', 0)} follow-up(s).", timeout=8)
        self.load()
