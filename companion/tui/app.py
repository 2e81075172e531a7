"""The Textual app: thin. It holds the typed API to the core (the model process in
the app, an in-process one in tests), routes its events, and owns the
cross-screen state (models loading/ready, journal open/locked, idle lock).

Screens live in ``screens/``, widgets in ``widgets/``, styles in ``.tcss`` files.
:func:`make_app` is the one factory used by :func:`run` and by the tests.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from companion.service.api import CompanionAPI
from companion.service.errors import InternalError, ServiceError, ServiceStoppedError
from companion.service.events import CoreEvent, CoreStopped, ModelsFailed
from companion.service.events import ModelsReady as CoreModelsReady
from companion.service.results import FlowInfo, JournalStatus
from companion.settings import Settings, SettingsChanges
from companion.textnorm import strip_controls
from companion.tui.messages import ModelsReady, ServiceEvent

log = logging.getLogger("companion.tui")

STOPPED = "The model process stopped. Restart the app (details in the log file)."
QUIT_CONFIRM_SECONDS = 5.0  # a second ctrl+q within this time quits despite unsaved work


def _command_provider():
    """The palette's provider, imported when the palette first opens."""
    from companion.tui.commands import CompanionCommands

    return CompanionCommands


class CompanionApp(App[int]):
    """Resident Companion."""

    TITLE = "Resident Companion"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {_command_provider}
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        # f2 is not typed into a TextArea and not bound by it, so it works while one has
        # focus; not a priority binding (those drop keys a TextArea is reading).
        Binding("f2", "resources", "Resources"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+l", "lock", "Lock", show=False),
        # Not in the footer (it would not fit at 80 columns beside a screen's keys):
        # ? lists it, with ctrl+p, which app.tcss hides from the footer too.
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    models_state: reactive[str] = reactive("loading")
    """loading | ready | failed | stopped"""
    journal_state: reactive[str] = reactive("unknown")
    """unknown | open | needs_passphrase | locked | in_use | broken"""

    def __init__(self, api: CompanionAPI, settings: Settings,
                 review_file: str | None = None, idle_lock_seconds: float | None = None,
                 owns_api: bool = True):
        super().__init__()
        self.api = api
        """The core, typed: every screen asks it through ``app.api``."""
        self.settings = settings
        self.review_file = review_file
        self.encrypted = False
        self.models_info: CoreModelsReady | None = None
        """Load times and problems, once the models are ready."""
        self.flows: list[FlowInfo] = []
        self._owns_api = owns_api
        self._idle_override = idle_lock_seconds
        self._last_input = time.monotonic()
        self._locked = False
        self._quit_armed_at = -QUIT_CONFIRM_SECONDS
        self.theme = settings.theme or "textual-dark"

    # -- start-up ----------------------------------------------------------------
    def on_mount(self) -> None:
        from companion.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        reviewing = bool(self.review_file) and self._open_review(str(self.review_file))
        self.call_after_refresh(self._start_service, not reviewing)
        self.set_interval(1.0, self._check_idle)

    def _open_review(self, review_file: str) -> bool:
        """Mentor mode: the review screen first; the journal opens only after it closes."""
        try:
            from companion.tui.screens.review import ReviewScreen
        except ImportError:
            self.notify("The mentor review screen is not available in this version.",
                        severity="error", timeout=10)
            return False
        def reviewed(_: object) -> None:
            self.open_journal()

        self.push_screen(ReviewScreen(review_file), callback=reviewed)
        return True

    def _start_service(self, open_journal: bool = True) -> None:
        try:
            self.api.connect(self._relay_event)
        except OSError as exc:
            self.report(exc, "starting the model process")
            self.models_state = "stopped"
            return
        if open_journal:
            self.open_journal()

    def _relay_event(self, event: CoreEvent) -> None:
        """From any thread: the API's event becomes a message on the app's loop."""
        self.post_message(ServiceEvent(event))

    def on_service_event(self, message: ServiceEvent) -> None:
        event = message.event
        if isinstance(event, CoreModelsReady):
            self.models_info = event
            self.models_state = "ready"
            for part, problem in event.problems.items():
                self.notify(strip_controls(f"{part}: {problem}"), title="Not available",
                            severity="warning", timeout=8 if part != "knowledge" else 20,
                            markup=False)
            self.post_message(ModelsReady(event.seconds, event.problems))
        elif isinstance(event, ModelsFailed):
            self.models_state = "failed"
            self.notify(f"{event.error.message}\nSee {self.log_file}.",
                        title="The models could not be loaded", severity="error", timeout=20)
        elif isinstance(event, CoreStopped) and not event.expected:
            self.models_state = "stopped"
            self.notify(STOPPED, severity="error", timeout=20)

    @work(exclusive=True, group="journal", exit_on_error=False)
    async def open_journal(self) -> None:
        try:
            status = await self.api.status()
        except ServiceError as exc:
            self.report(exc, "opening the journal")
            return
        if status.state == "needs_passphrase":
            self.ask_passphrase("start")
            return
        if status.state in {"broken", "in_use"}:
            self.notify(status.message, title="Journal", timeout=15,
                        severity="error" if status.state == "broken" else "warning")
        self.encrypted = status.encrypted
        self.journal_state = status.state

    def ask_passphrase(self, mode: str) -> None:
        from companion.tui.screens.passphrase import PassphraseScreen

        self.journal_state = "needs_passphrase" if mode == "start" else "locked"
        self.push_screen(PassphraseScreen(mode), callback=self._unlocked)

    def _unlocked(self, status: JournalStatus | None) -> None:
        self._locked = False
        self._last_input = time.monotonic()
        self.encrypted = True
        self.journal_state = status.state if status is not None else "open"

    @property
    def log_file(self) -> Path:
        from companion import paths

        return paths.log_path()

    def report(self, exc: BaseException, doing: str) -> None:
        """Show an error as a message with what to do; the traceback goes to the log."""
        if isinstance(exc, ServiceStoppedError):
            text = STOPPED
        elif isinstance(exc, ServiceError):
            text = exc.message
            if isinstance(exc, InternalError):
                text += f"\n(Details in {self.log_file})"
        else:
            log.error("error while %s", doing, exc_info=exc)
            text = f"{exc}\n(Details in {self.log_file})"
        self.notify(text, title=f"Problem {doing}", severity="error", timeout=10)

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        if settings.theme and settings.theme != self.theme:
            self.theme = settings.theme

    # -- idle lock ---------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    @property
    def idle_limit(self) -> float:
        if self._idle_override is not None:
            return self._idle_override
        return float(self.settings.idle_lock_minutes or 0) * 60

    def _check_idle(self) -> None:
        if (self.encrypted and not self._locked and self.journal_state == "open"
                and self.idle_limit > 0 and time.monotonic() - self._last_input > self.idle_limit):
            self.action_lock()

    def action_lock(self) -> None:
        if not self.encrypted:
            self.notify("Set a passphrase in Settings to use the lock.", severity="warning")
            return
        if self._locked:
            return
        self._locked = True
        self._lock_core()
        self.ask_passphrase("lock")

    @work(group="lock", exit_on_error=False)
    async def _lock_core(self) -> None:
        try:
            await self.api.lock()
        except ServiceError as exc:
            self.report(exc, "locking the journal")

    @property
    def locked(self) -> bool:
        return self._locked or self.journal_state == "needs_passphrase"

    def action_command_palette(self) -> None:
        if not self.locked:
            super().action_command_palette()

    # -- app-wide actions --------------------------------------------------------
    def action_help(self) -> None:
        from companion.tui.screens.help import HelpScreen

        if not self.locked and not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.active_bindings))

    def action_resources(self) -> None:
        """Show the crisis and support resources, from any screen, even when locked."""
        from companion.tui.screens.resources import ResourcesPanel, ResourcesScreen

        if not isinstance(self.screen, ResourcesPanel | ResourcesScreen):
            self.push_screen(ResourcesPanel())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        self.save_setting({"theme": self.theme})

    @work(group="settings", exit_on_error=False)
    async def save_setting(self, changes: SettingsChanges) -> None:
        try:
            self.apply_settings(await self.api.update_settings(changes))
        except ServiceError as exc:
            self.report(exc, "saving settings")

    def open_screen(self, name: str, **kwargs: Any) -> None:
        """Push one of the main screens by name (used by keys and the palette)."""
        from companion.tui.screens import build_screen

        if self.locked:
            return
        self.push_screen(build_screen(name, **kwargs))

    def action_home(self) -> None:
        from companion.tui.screens.home import HomeScreen

        if self.locked:
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    async def action_quit(self) -> None:
        # An unsaved review (mentor) or plan is lost on quit: warn once, quit on a second press.
        armed = time.monotonic() - self._quit_armed_at < QUIT_CONFIRM_SECONDS
        if getattr(self.screen, "unsaved_changes", False) and not armed:
            self._quit_armed_at = time.monotonic()
            what = getattr(self.screen, "UNSAVED_WHAT", "review")
            self.notify(f"The {what} is not saved. Press ctrl+s to save it, or ctrl+q again "
                        "to quit without saving.", title=f"Unsaved {what}", severity="warning",
                        timeout=QUIT_CONFIRM_SECONDS)
            return
        await self._save_reflections()
        self.exit(0)

    async def _save_reflections(self) -> None:
        """End any reflection still open, so quitting mid-session keeps its summary."""
        from companion.tui.screens.reflection import ReflectionScreen

        open_ones = [s for s in self.screen_stack
                     if isinstance(s, ReflectionScreen) and s.session_open]
        if not open_ones:
            return
        self.notify("Saving a summary of this reflection before quitting…", timeout=3)
        for screen in open_ones:
            if not await screen.save_before_quit():
                log.warning("quit: the reflection's summary could not be saved in time")

    async def on_unmount(self) -> None:
        if self._owns_api:
            await self.api.close()


def make_app(review_file: str | None = None, api: CompanionAPI | None = None,
             idle_lock_seconds: float | None = None) -> CompanionApp:
    """Build the app; without ``api``, on a model process started after the first paint."""
    from companion import paths
    from companion.settings import SettingsError

    try:
        settings = Settings.load()
    except SettingsError as exc:
        log.error("settings unreadable: %s", exc)
        settings = Settings()
    owns = api is None
    if api is None:
        from companion.service.client import ServiceClient
        from companion.service.proxy import ProcessCompanion

        api = ProcessCompanion(ServiceClient(
            stderr_path=paths.data_dir() / "service-stderr.log"))
    return CompanionApp(api, settings, review_file=review_file,
                        idle_lock_seconds=idle_lock_seconds, owns_api=owns)


def _log_to_file() -> None:
    from companion import logfile

    logfile.install()


def run(review_file: str | None = None) -> int:
    """Open the app; returns the exit code."""
    _log_to_file()
    app = make_app(review_file=review_file)
    result = app.run()
    return int(result or 0)
