"""The weekly check-in: a screen of its own (from home) and a dialog (inside a flow)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static

from companion.checkin import CheckinItem
from companion.service.errors import ServiceError
from companion.tui.screens import companion_app
from companion.tui.widgets.checkin_form import CheckinForm

NOTE = "Private, for you and your trend. Not a diagnosis."


class CheckinDialog(ModalScreen[dict[str, int] | None]):
    """Asks the items; dismisses with the answers, or None when skipped."""

    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "skip", "Later")]

    def __init__(self, items: list[CheckinItem]):
        super().__init__(classes="dialog")
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="checkin-box"):
            yield Static("Check-in", classes="section-title")
            yield Static(NOTE, classes="hint")
            yield CheckinForm(self.items, id="checkin-form")
            yield Static("", id="checkin-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Later (esc)", id="skip")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        answers = self.query_one(CheckinForm).answers()
        if not answers:
            self.query_one("#checkin-error", Static).update("Answer at least one question.")
            return
        self.dismiss(answers)

    @on(Button.Pressed, "#skip")
    def action_skip(self) -> None:
        self.dismiss(None)


class CheckinScreen(Screen):
    """The quick check-in from home; saving opens the trend."""

    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="main"):
            yield Static(f"Quick check-in. {NOTE}", classes="hint")
            yield Static("Loading the questions…", id="checkin-loading")
            yield Static("", id="checkin-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Quick check-in"
        self.load()

    @work(exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        app = companion_app(self)
        try:
            items = await app.api.checkin_items()
        except ServiceError as exc:
            app.report(exc, "loading the check-in")
            return
        await self.query_one("#checkin-loading").remove()
        form = CheckinForm(items, id="checkin-form")
        await self.query_one(".main").mount(form, before="#checkin-error")
        form.query("RadioSet").first().focus()

    def action_save(self) -> None:
        forms = self.query(CheckinForm)
        if not forms:
            return
        answers = forms.first().answers()
        if not answers:
            self.query_one("#checkin-error", Static).update("Answer at least one question.")
            return
        self.save(answers)

    @work(exclusive=True, exit_on_error=False)
    async def save(self, answers: dict[str, int]) -> None:
        app = companion_app(self)
        try:
            await app.api.add_checkin(answers)
        except ServiceError as exc:
            app.report(exc, "saving the check-in")
            return
        self.notify("Check-in saved.")
        from companion.tui.screens.plan_offer import offer_plan_if_due
        from companion.tui.screens.trends import TrendsScreen

        write_plan = await offer_plan_if_due(self)
        app.switch_screen(TrendsScreen())
        if write_plan:
            app.open_screen("plan")
