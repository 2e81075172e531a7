"""Edit a mentor topic's title and rationale (the resident's own words)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class Editable(Protocol):
    """A journal topic or a topic suggested in a reflection."""

    @property
    def title(self) -> str: ...

    @property
    def rationale(self) -> str: ...


@dataclass(frozen=True)
class TopicWording:
    """The resident's new title and rationale for a topic."""

    title: str
    rationale: str


class TopicEditDialog(ModalScreen[TopicWording | None]):
    """Dismisses with the new :class:`TopicWording`, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, topic: Editable):
        super().__init__(classes="dialog")
        self.topic = topic

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Edit topic", classes="section-title")
            yield Label("Title")
            yield Input(self.topic.title, id="topic-title")
            yield Label("Why it matters to you (your words)")
            yield Input(self.topic.rationale, id="topic-rationale")
            yield Static("", id="topic-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        title = self.query_one("#topic-title", Input).value.strip()
        if not title:
            self.query_one("#topic-error", Static).update("The title cannot be empty.")
            return
        rationale = self.query_one("#topic-rationale", Input).value.strip()
        self.dismiss(TopicWording(title, rationale))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
