"""The help screen: every key binding active where it was opened, plus the basics."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
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
COVERED = {"ctrl+p", "tab", "shift+tab", "escape", "ctrl+t", "ctrl+l", "ctrl+q"}
"""Keys BASICS already explains (better than the app's terse binding text)."""


def help_rows(active_bindings: dict[str, ActiveBinding]) -> list[tuple[str, str]]:
    """One row per key: the screen's own keys first, then the basics it does not rebind.

    The app's own bindings (ctrl+t "Theme", ctrl+p "palette"...) are the basics said
    better, so they appear once, in the basics' words; a screen that binds one of
    those keys to something else (escape "Home") keeps its own description.
    """
    from textual.app import App
    from textual.screen import Screen

    keys: dict[tuple[str, str], list[str]] = {}  # (action, description) -> its keys
    for key, active in active_bindings.items():
        binding = active.binding
        if not isinstance(active.node, (App, Screen)):
            continue  # a widget's own navigation keys
        if not binding.description or binding.action in {"help", "app.focus_next",
                                                         "app.focus_previous"}:
            continue
        if isinstance(active.node, App) and key in COVERED:
            continue
        # a footer's word can be short ("Import"); its tooltip says it whole
        keys.setdefault((binding.action, binding.tooltip or binding.description), []).append(
            binding.key_display or key)
    rows = {" / ".join(dict.fromkeys(shown_as)): description
            for (_, description), shown_as in keys.items()}
    shown = {part.strip() for key in rows for part in key.split("/")}
    for key, description in BASICS:
        if not {part.strip() for part in key.split("/")} & shown:
            rows.setdefault(key, description)
    return list(rows.items())


class HelpScreen(ModalScreen[None]):
    """A table of keys, each once; escape or q closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self, active_bindings: dict[str, ActiveBinding]):
        super().__init__(classes="dialog")
        self.rows = help_rows(active_bindings)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Keys", classes="section-title")
            table: DataTable = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "What it does")
            for key, description in self.rows:
                table.add_row(key, description)
            yield table
            yield Static("escape to close", classes="hint")
