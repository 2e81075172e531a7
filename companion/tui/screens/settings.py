"""Settings: passphrase on/off/change, generator, auto-redaction, idle lock, theme, data."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static, Switch

from companion.journal import JournalCleanupError
from companion.service.errors import ServiceError
from companion.textnorm import strip_controls
from companion.tui.screens import companion_app


def generator_note(path: str) -> tuple[str, SeverityLevel]:
    """What switching the generator on does, said at once: (message, severity).

    The model loads only when the next reflection opens, so without this a missing
    model showed nothing at all: the switch stayed on and replies stayed curated.
    """
    from pathlib import Path

    from companion import paths

    where = f"generator_path in {paths.settings_path()}"
    if not path.strip():
        return ("No generator model is set, so replies keep the reviewed wording. Set "
                f"{where} to a local model folder or .gguf file.", "warning")
    location = Path(path).expanduser()
    if not location.exists():
        return (f"No generator model at {location}, so replies keep the reviewed wording. "
                f"Check {where}.", "warning")
    return (f"The generator loads from {location} when the next reflection opens.",
            "information")


SWITCHES = [
    ("generator_enabled", "Rephrase with the local generator (guarded; slower)"),
    ("auto_redact", "Redact patient identifiers automatically"),
]


class SettingsScreen(Screen):
    BINDINGS = [
        Binding("p", "passphrase", "Passphrase"),
        Binding("x", "remove_passphrase", "No passphrase", tooltip="Remove the passphrase"),
        Binding("D", "delete_all", "Delete all", key_display="D",
                tooltip="Delete all your data"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        from companion import paths

        app = companion_app(self)
        settings = app.settings
        values = {"generator_enabled": settings.generator_enabled,
                  "auto_redact": settings.auto_redact}
        yield Header()
        with VerticalScroll(id="settings-form", classes="main"):
            yield Static("Privacy", classes="section-title")
            yield Static("", id="passphrase-state")
            with Horizontal(classes="setting"):
                yield Button("Set or change passphrase (p)", id="passphrase")
                yield Button("Remove passphrase (x)", id="remove-passphrase")
            with Horizontal(classes="setting"):
                yield Label("Lock after this many idle minutes (0 = never)")
                yield Input(str(settings.idle_lock_minutes), id="idle-minutes",
                            type="integer")
            for name, label in SWITCHES:
                with Horizontal(classes="setting"):
                    yield Label(label)
                    yield Switch(values[name], id=name)
                if name == "generator_enabled":
                    yield Static("", id="generator-state", classes="hint")
            yield Static("Appearance and agenda", classes="section-title")
            with Horizontal(classes="setting"):
                yield Label("Dark theme (ctrl+t anywhere)")
                yield Switch(app.theme != "textual-light", id="dark-theme")
            with Horizontal(classes="setting"):
                yield Label("Name or initials on exported agendas")
                yield Input(settings.resident_name, id="resident-name")
            yield Static("Your data", classes="section-title")
            yield Static(f"Everything is stored on this computer only, in:\n{paths.data_dir()}",
                         id="data-dir")
            yield Button("Delete all my data (D)", id="delete-all", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Settings"
        self._show_passphrase()
        self.query_one("#generator-state").display = False
        self.show_generator_state()

    @work(exclusive=True, group="settings-generator", exit_on_error=False)
    async def show_generator_state(self) -> None:
        """Why the generator is off although enabled (it failed to load), if it is."""
        app = companion_app(self)
        try:
            problem = (await app.api.status()).generator_problem
        except ServiceError:
            problem = ""  # the journal's own trouble is reported where it is opened
        state = self.query_one("#generator-state", Static)
        state.update(Content(strip_controls(f"⚠ {problem} Replies keep the reviewed wording."))
                     if problem else "")
        state.display = bool(problem)

    def _show_passphrase(self) -> None:
        app = companion_app(self)
        state = "on: the journal is encrypted" if app.encrypted else "off"
        self.query_one("#passphrase-state", Static).update(f"Passphrase: {state}.")

    @on(Switch.Changed)
    def _switched(self, event: Switch.Changed) -> None:
        app = companion_app(self)
        if event.switch.id == "dark-theme":
            theme = "textual-dark" if event.value else "textual-light"
            if theme != app.theme:
                app.action_toggle_theme()
        elif event.switch.id == "generator_enabled":
            app.save_setting({"generator_enabled": event.value})
            self.query_one("#generator-state").display = False  # a new try, a new reason
            if event.value:
                message, severity = generator_note(app.settings.generator_path)
                self.notify(message, title="Generator", severity=severity, timeout=12,
                            markup=False)
        elif event.switch.id == "auto_redact":
            app.save_setting({"auto_redact": event.value})

    @on(Input.Submitted, "#idle-minutes")
    def _idle(self, event: Input.Submitted) -> None:
        try:
            minutes = int(event.value)
        except ValueError:
            minutes = -1
        if minutes < 0:
            self.notify("Type a whole number of minutes (0 = never).", severity="error")
            return
        companion_app(self).save_setting({"idle_lock_minutes": minutes})
        self.notify(f"Idle lock: {minutes or 'never'}{' minutes' if minutes else ''}.")

    @on(Input.Submitted, "#resident-name")
    def _resident_name_submitted(self, event: Input.Submitted) -> None:
        companion_app(self).save_setting({"resident_name": event.value.strip()})
        self.notify("Saved.")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {"passphrase": self.action_passphrase,
                   "remove-passphrase": self.action_remove_passphrase,
                   "delete-all": self.action_delete_all}
        if event.button.id in actions:
            actions[event.button.id]()

    def action_passphrase(self) -> None:
        self.change_passphrase()

    def action_remove_passphrase(self) -> None:
        self.remove_passphrase()

    def action_delete_all(self) -> None:
        self.delete_all()

    @work(exclusive=True, group="settings-dialog", exit_on_error=False)
    async def change_passphrase(self) -> None:
        from companion.tui.screens.input_dialog import InputDialog

        app = companion_app(self)
        if app.encrypted:
            fields = [("Current passphrase", ""), ("New passphrase", ""), ("New, again", "")]
        else:
            fields = [("New passphrase", ""), ("Again", "")]
        values = await app.push_screen_wait(InputDialog(
            "Passphrase", fields, password=True,
            note="It encrypts your journal. If you forget it, the journal cannot be read."))
        if not values:
            return
        if values[-1] != values[-2]:
            self.notify("The two new passphrases differ; nothing changed.", severity="error")
            return
        try:
            if app.encrypted:
                await app.api.change_passphrase(values[0], values[-1])
            else:
                await app.api.set_passphrase(values[-1])
        except ServiceError as exc:
            app.report(exc, "changing the passphrase")
            if not isinstance(exc, JournalCleanupError):
                return
            app.encrypted = True  # committed: only the clean-up failed, and the message says so
            self._show_passphrase()
            return
        app.encrypted = True
        self._show_passphrase()
        self.notify("Passphrase saved. Your journal is encrypted.")

    @work(exclusive=True, group="settings-dialog", exit_on_error=False)
    async def remove_passphrase(self) -> None:
        from companion.tui.screens.input_dialog import InputDialog

        app = companion_app(self)
        if not app.encrypted:
            self.notify("There is no passphrase to remove.")
            return
        values = await app.push_screen_wait(InputDialog(
            "Remove the passphrase", [("Current passphrase", "")], password=True,
            note="The journal will be stored unencrypted."))
        if not values:
            return
        try:
            await app.api.remove_passphrase(values[0])
        except ServiceError as exc:
            app.report(exc, "removing the passphrase")
            if not isinstance(exc, JournalCleanupError):
                return
            app.encrypted = False  # committed: only the clean-up failed
            self._show_passphrase()
            return
        app.encrypted = False
        self._show_passphrase()
        self.notify("Passphrase removed.")

    @work(exclusive=True, group="settings-dialog", exit_on_error=False)
    async def delete_all(self) -> None:
        from companion.tui.screens.input_dialog import InputDialog

        app = companion_app(self)
        values = await app.push_screen_wait(InputDialog(
            "Delete all your data", [("Type DELETE to confirm", "")],
            note="Every session, check-in, topic and meeting is deleted. This cannot be "
            "undone."))
        if not values:
            return
        if values[0].strip() != "DELETE":
            self.notify("Nothing deleted (the word was not DELETE).", severity="warning")
            return
        try:
            await app.api.delete_all()
        except ServiceError as exc:
            app.report(exc, "deleting your data")
            return
        self.notify("All your data has been deleted.")
