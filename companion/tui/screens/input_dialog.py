"""A small dialog asking for one or more lines of text (a path, a passphrase, a word)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class InputDialog(ModalScreen[list[str] | None]):
    """Dismisses with the values typed (Enter on the last field) or None (escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str]], password: bool = False,
                 note: str = ""):
        super().__init__(classes="dialog")
        self.dialog_title = title
        self.fields = fields
        self.password = password
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.dialog_title, classes="section-title")
            if self.note:
                yield Static(self.note, classes="hint")
            for number, (label, value) in enumerate(self.fields):
                yield Label(label)
                yield Input(value, password=self.password, id=f"field-{number}")
            yield Static("", id="dialog-error", classes="error")
            yield Static("Enter to confirm · escape to cancel", classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is not inputs[-1]:
            self.focus_next()
            return
        values = [field.value for field in inputs]
        if any(not value.strip() for value in values):
            self.query_one("#dialog-error", Static).update("Please fill in every field.")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
