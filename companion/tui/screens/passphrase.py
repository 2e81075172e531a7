"""The passphrase prompt: at start when the journal is encrypted, and the idle lock.

It is a full, opaque screen so nothing from the journal shows behind it.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from companion.journal import WrongPassphraseError
from companion.service.errors import ServiceError
from companion.service.results import JournalStatus
from companion.tui.screens import companion_app

TITLES = {
    "start": "Your journal is protected. Type your passphrase to open it.",
    "lock": "Locked after a while without activity. Type your passphrase to continue.",
}


class PassphraseScreen(Screen[JournalStatus]):
    """Asks until the passphrase is right; dismisses with the journal status."""

    BINDINGS = [Binding("escape", "nothing", show=False)]

    def __init__(self, mode: str = "start"):
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Resident Companion", classes="section-title")
            yield Static(TITLES.get(self.mode, TITLES["start"]), id="passphrase-title")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Static("", id="passphrase-error", classes="error")
            yield Static("Enter to unlock · ctrl+q to quit", classes="hint")

    def action_nothing(self) -> None:
        """Escape does not get past the lock."""

    @on(Input.Submitted, "#passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value:
            self.unlock(event.value)

    @work(exclusive=True, exit_on_error=False)
    async def unlock(self, passphrase: str) -> None:
        app = companion_app(self)
        error = self.query_one("#passphrase-error", Static)
        field = self.query_one("#passphrase", Input)
        error.update("Checking…")
        try:
            status = await app.api.unlock(passphrase)
        except ServiceError as exc:
            field.value = ""
            retry = " Try again." if isinstance(exc, WrongPassphraseError) else ""
            error.update(exc.message if exc.message.endswith(retry) else exc.message + retry)
            return
        self.dismiss(status)
