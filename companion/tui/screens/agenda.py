"""Mentor agenda: the accepted topics, in order, ready to export or share.

Exports are always checked for patient identifiers first; the resident redacts,
keeps or cancels before anything is written.
"""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from companion.journal import Topic
from companion.service.errors import ServiceError
from companion.textnorm import strip_controls
from companion.tui.screens import companion_app

ON_AGENDA = {"accepted", "shared"}
EXPORT_NOTE = ("The file holds the topics listed here, in the words shown (the title and "
               "why, which quote you), and your open follow-ups. Nothing else from your "
               "journal: no conversations, check-in scores or safety notes.")
"""Said before an export; the rationale does quote the journal, so it says so."""
EDIT = Binding.Group("Edit", compact=True)
MOVE = Binding.Group("Move", compact=True)
EXPORT = Binding.Group("Export", compact=True)
EMPTY = ("No topics on your agenda yet. In a reflection, accept a suggested topic "
         "with a and it appears here.")


def plan_text(topic: Topic) -> str:
    """The agenda's "You need" cell: the need, then any decision and its deadline."""
    from companion.agenda import NEED_TEXT
    from companion.sharing import default_need

    need = topic.need or default_need(topic.topic_id)
    parts = [NEED_TEXT.get(need, need) + ("" if topic.need else " (proposed)")]
    if topic.decision:
        parts.append(f"decide: {topic.decision}")
    if topic.deadline:
        parts.append(f"by {topic.deadline}")
    return " · ".join(parts)


class AgendaScreen(Screen):
    BINDINGS = [
        # grouped in the footer ("end Edit"), so it fits at 80 columns
        Binding("e", "edit", "Edit wording", group=EDIT),
        Binding("n", "plan", "Edit need, decision, deadline", group=EDIT,
                tooltip="What you need from your mentor, any decision and its deadline"),
        Binding("d", "remove", "Remove from the agenda", group=EDIT),
        # grouped in the footer ("[] Move", "mJ Export"), so it fits at 80 columns
        Binding("left_square_bracket", "move(-1)", "Move up", key_display="[", group=MOVE),
        Binding("right_square_bracket", "move(1)", "Move down", key_display="]", group=MOVE),
        Binding("m", "export('md')", "Export Markdown", group=EXPORT),
        Binding("J", "export('json')", "Export JSON", key_display="J", group=EXPORT),
        Binding("i", "import_review", "Import", tooltip="Import your mentor's review"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="main"):
            yield Static("Loading your agenda…", id="agenda-count", classes="hint")
            table: DataTable = DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
            table.add_columns("#", "Topic", "Status", "You need", "Why (your words)")
            yield table
            with VerticalScroll(id="agenda-review-box"):
                yield Static("", id="agenda-review")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Mentor agenda"
        self.topics: list[Topic] = []
        self.load()

    @work(exclusive=True, group="agenda", exit_on_error=False)
    async def load(self) -> None:
        try:
            topics = await companion_app(self).api.topics()
        except ServiceError as exc:
            companion_app(self).report(exc, "loading the agenda")
            return
        self.topics = [t for t in topics if t.status in ON_AGENDA]  # in agenda order
        table = self.query_one("#agenda", DataTable)
        row = table.cursor_row
        table.clear()
        for number, topic in enumerate(self.topics, start=1):
            table.add_row(str(number), topic.title, topic.status, plan_text(topic),
                          topic.rationale, key=str(topic.id))
        if self.topics:
            table.move_cursor(row=min(row, len(self.topics) - 1))
        count = f"{len(self.topics)} topic(s) to share." if self.topics else EMPTY
        self.query_one("#agenda-count", Static).update(count)
        await self._show_review()

    async def _show_review(self) -> None:
        """The latest mentor review under the table (its topics have left the agenda)."""
        from companion.mentor_reviews import review_text

        try:
            reviews = await companion_app(self).api.reviews()
        except ServiceError as exc:
            companion_app(self).report(exc, "loading your mentor's review")
            reviews = []
        box = self.query_one("#agenda-review-box")
        box.display = bool(reviews)
        if reviews:
            earlier = len(reviews) - 1
            text = review_text(reviews[0]) + (
                f"\n({earlier} earlier review(s): open the sessions in the Journal)"
                if earlier else "")
            # a mentor's file: plain text, never markup
            self.query_one("#agenda-review", Static).update(Content(strip_controls(text)))

    def _current(self) -> Topic | None:
        table = self.query_one("#agenda", DataTable)
        if not self.topics or table.cursor_row < 0 or table.cursor_row >= len(self.topics):
            return None
        return self.topics[table.cursor_row]

    def action_edit(self) -> None:
        topic = self._current()
        if topic is not None:
            self.change(topic, "edit")

    def action_plan(self) -> None:
        topic = self._current()
        if topic is not None:
            self.change(topic, "plan")

    def action_remove(self) -> None:
        topic = self._current()
        if topic is not None:
            self.change(topic, "remove")

    @work(group="agenda-change", exit_on_error=False)
    async def change(self, topic: Topic, action: str) -> None:
        from companion.sharing import default_need
        from companion.tui.screens.topic_edit import TopicEditDialog
        from companion.tui.screens.topic_plan import TopicPlanDialog

        app = companion_app(self)
        try:
            if action == "plan":
                plan = await app.push_screen_wait(
                    TopicPlanDialog(topic, default_need(topic.topic_id)))
                if plan is None:
                    return
                await app.api.update_topic(topic.id, need=plan.need, decision=plan.decision,
                                           deadline=plan.deadline)
            elif action == "edit":
                wording = await app.push_screen_wait(TopicEditDialog(topic))
                if wording is None:
                    return
                await app.api.update_topic(topic.id, title=wording.title,
                                           rationale=wording.rationale)
            else:
                await app.api.update_topic(topic.id, status="dismissed")
        except ServiceError as exc:
            app.report(exc, "changing the topic")
            return
        self.load()

    def action_move(self, step: int) -> None:
        topic = self._current()
        there = self.query_one("#agenda", DataTable).cursor_row + step
        if topic is not None and 0 <= there < len(self.topics):
            self.move(topic, step, there)

    @work(group="agenda-change", exit_on_error=False)
    async def move(self, topic: Topic, step: int, row: int) -> None:
        """Move one topic in one transaction (positions are renumbered, never clash)."""
        try:
            await companion_app(self).api.move_topic(topic.id, step)
        except ServiceError as exc:
            companion_app(self).report(exc, "reordering the agenda")
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
        app = companion_app(self)
        values = await app.push_screen_wait(
            InputDialog("Export the agenda", [("Save to file", str(default))],
                        note=EXPORT_NOTE))
        if not values:
            return
        ids = [t.id for t in self.topics]
        choice = ""
        try:
            findings = await app.api.agenda_identifiers(ids)
            if findings:
                choice = await app.push_screen_wait(FindingsDialog(findings))
                if choice not in {"redact", "keep"}:
                    return
            written = await app.api.export_agenda(
                "json" if fmt == "json" else "md", values[0], topic_ids=ids,
                redact=choice == "redact", keep_identifiers=choice == "keep")
        except ServiceError as exc:
            app.report(exc, "exporting the agenda")
            return
        self.notify(f"Agenda saved to {written.path}", timeout=8)
        self.load()

    def action_import_review(self) -> None:
        self.import_review()

    @work(exclusive=True, group="export", exit_on_error=False)
    async def import_review(self) -> None:
        from companion.tui.screens.input_dialog import InputDialog

        app = companion_app(self)
        values = await app.push_screen_wait(
            InputDialog("Import your mentor's review", [("Reviewed agenda file", "")]))
        if not values:
            return
        try:
            done = await app.api.import_review(values[0])
        except ServiceError as exc:
            app.report(exc, "importing the review")
            return
        self.notify(strip_controls(done.message) or f"Meeting recorded: {done.discussed} "
                    f"topic(s) discussed, {done.follow_ups} follow-up(s).", timeout=8,
                    markup=False)
        self.load()
