"""The help screen: every key binding active where it was opened, plus the basics."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

BASICS = [
    ("ctrl+p", "Command palette: every screen and action"),
    ("tab / shift+tab", "Move between parts of the screen"),
    ("escape", "Back"),
    ("ctrl+t", "Light or dark theme"),
    ("ctrl+l", "Lock now (with a passphrase set)"),
    ("ctrl+q", "Quit"),
]


class HelpScreen(ModalScreen[None]):
    """A table of keys; escape or q closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self, active_bindings: dict[str, Any]):
        super().__init__(classes="dialog")
        rows: dict[str, str] = {}
        from textual.app import App
        from textual.screen import Screen

        for key, active in active_bindings.items():
            binding = active.binding
            if not isinstance(active.node, (App, Screen)):
                continue  # a widget's own navigation keys
            if binding.description and binding.action != "help":
                rows.setdefault(binding.description, binding.key_display or key)
        self.rows = [(key, description) for description, key in rows.items()]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Keys", classes="section-title")
            table: DataTable = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "What it does")
            seen = set()
            for key, description in [*self.rows, *BASICS]:
                if description not in seen:
                    seen.add(description)
                    table.add_row(key, description)
            yield table
            yield Static("escape to close", classes="hint")
