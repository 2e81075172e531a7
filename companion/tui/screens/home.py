"""Home: the flows, the other screens, mentor-meeting cadence and open follow-ups."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from companion.service.errors import ServiceError
from companion.textnorm import strip_controls
from companion.tui.screens import companion_app
from companion.tui.widgets.model_status import ModelStatus

NUDGE_DAYS = 30
PLACES = [
    ("checkin", "Quick check-in", "c"),
    ("trends", "Trends", "t"),
    ("journal", "Journal", "j"),
    ("agenda", "Mentor agenda", "a"),
    ("knowledge", "Knowledge", "k"),
    ("settings", "Settings", "s"),
    ("plan", "My plan for hard days", "p"),
]


def meeting_line(days: int | None) -> str:
    """The cadence sentence: a gentle nudge past a month without a meeting."""
    if days is None:
        return "No mentor meeting recorded yet. An hour a month with a mentor helps most."
    if days > NUDGE_DAYS:
        return (f"{days} days since your last mentor meeting. "
                "Residents do best with at least an hour every month; maybe book one?")
    return f"{days} days since your last mentor meeting."


class HomeScreen(Screen):
    """Where the app opens."""

    # Not in the footer: the "Go to" list shows each key beside its place, and the
    # footer would not fit at 80 columns with them.
    BINDINGS = [Binding(key, f"open('{name}')", label, show=False)
                for name, label, key in PLACES]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield ModelStatus(id="model-status")
            yield Static("", id="meeting")
            yield Static("", id="follow-ups")
            with Horizontal(id="home-lists"):
                with Vertical(classes="home-column"):
                    yield Static("Start a reflection", classes="section-title")
                    yield OptionList(Option("Opening the journal…", disabled=True), id="flows")
                with Vertical(classes="home-column"):
                    yield Static("Go to", classes="section-title")
                    yield OptionList(*[Option(f"[b]{key}[/b]  {label}", id=name)
                                       for name, label, key in PLACES], id="places")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "journal_state", self._journal_changed, init=True)

    def on_screen_resume(self) -> None:
        if getattr(self.app, "journal_state", "") == "open":
            self.load()

    def _journal_changed(self, state: str) -> None:
        if state == "open":
            self.load()

    @work(exclusive=True, group="home", exit_on_error=False)
    async def load(self) -> None:
        app = companion_app(self)
        try:
            home = await app.api.home()
        except ServiceError as exc:
            app.report(exc, "loading the home screen")
            return
        self.query_one("#meeting", Static).update(meeting_line(home.days_since_meeting))
        lines = [f"• {f.text}" + (f" ({f.owner})" if f.owner else "")
                 + (f", by {f.due_date}" if f.due_date else "") for f in home.follow_ups]
        text = ("Open follow-ups:\n" + "\n".join(lines)) if lines else ""
        # follow-ups may come from a mentor's file: plain text, never markup or escapes
        self.query_one("#follow-ups", Static).update(Content(strip_controls(text)))
        self.query_one("#follow-ups").display = bool(lines)
        if not app.flows:
            try:
                app.flows = await app.api.flows()
            except ServiceError as exc:
                app.report(exc, "loading the reflection flows")
        flows = self.query_one("#flows", OptionList)
        flows.clear_options()
        for flow in app.flows:
            flows.add_option(Option(Content(strip_controls(flow.title)), id=flow.id))
        if not app.flows:
            flows.add_option(Option("No reflection flows are available.", disabled=True))
        else:
            flows.highlighted = 0

    @on(OptionList.OptionSelected, "#flows")
    def _start_flow(self, event: OptionList.OptionSelected) -> None:
        app = companion_app(self)
        flow = next((f for f in app.flows if f.id == event.option.id), None)
        if flow is not None:
            app.open_screen("reflection", flow=flow)

    @on(OptionList.OptionSelected, "#places")
    def _go(self, event: OptionList.OptionSelected) -> None:
        self.action_open(str(event.option.id))

    def action_open(self, name: str) -> None:
        companion_app(self).open_screen(name)
