"""The resident's plan for hard days: six short optional parts, written on a calm day.

Our wording of the standard steps of a safety plan. The screen says what the plan
is for and that it does not replace care; it saves, deletes and writes the plan
to a Markdown file the resident names, all through the typed API (the plan is
sealed in the journal like every other text).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Label, Static, TextArea

from companion.service.errors import ServiceError
from companion.service.results import SafetyPlanView
from companion.textnorm import strip_controls
from companion.tui.screens import companion_app
from companion.tui.screens.choice import ChoiceButtons

# Keys a TextArea leaves alone (it takes ctrl+e, ctrl+k, ctrl+d...), so they work
# while the resident is writing; none is a priority binding.
SAVE_KEY = "ctrl+s"
PRINT_KEY = "ctrl+r"
DEFAULT_FILE = "~/my-plan-for-hard-days.md"


class ConfirmDelete(ChoiceButtons, ModalScreen[str]):
    """Dismisses with ``"delete"`` or ``"keep"`` (escape keeps)."""

    BINDINGS = [Binding("y", "choose('delete')", "Delete"),
                Binding("n,escape", "choose('keep')", "Keep")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Delete your plan?", classes="section-title")
            yield Static("It is removed from this machine's journal. You can write a new "
                         "one any time.", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Delete it (y)", id="delete", variant="error")
                yield Button("Keep it (n)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()


class PlanScreen(Screen):
    """Write, edit, save, delete and print the plan."""

    BINDINGS = [
        Binding(SAVE_KEY, "save", "Save"),
        Binding(PRINT_KEY, "print_plan", "To a file"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: SafetyPlanView | None = None
        self.saved_texts: dict[str, str] = {}
        self.leave_armed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="main", id="plan"):
            yield Static("", id="plan-purpose", classes="hint")
            with VerticalScroll(id="plan-parts"):
                yield Static("Opening your plan…", id="plan-loading")
            yield Static("", id="plan-status", classes="hint")
            with Horizontal(classes="buttons", id="plan-buttons"):
                yield Button(f"Save ({SAVE_KEY})", id="save", variant="primary")
                yield Button(f"Write to a file ({PRINT_KEY})", id="print")
                yield Button("Delete the plan", id="delete", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "My plan for hard days"
        self.load()

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def load(self) -> None:
        app = companion_app(self)
        try:
            plan = await app.api.safety_plan_view()
        except ServiceError as exc:
            app.report(exc, "opening your plan")
            return
        await self.show_plan(plan)

    async def show_plan(self, plan: SafetyPlanView) -> None:
        self.plan = plan
        self.query_one("#plan-purpose", Static).update(strip_controls(plan.purpose))
        holder = self.query_one("#plan-parts", VerticalScroll)
        await holder.remove_children()
        widgets = []
        for part in plan.parts:
            widgets += [Label(strip_controls(part.heading), classes="plan-heading"),
                        Static(strip_controls(part.hint), classes="hint"),
                        TextArea(part.text, id=f"part-{part.id}", soft_wrap=True,
                                 show_line_numbers=False, classes="plan-part")]
        await holder.mount_all(widgets)
        self.saved_texts = self.texts() if plan.saved else {}
        self.query_one("#delete", Button).disabled = not plan.saved
        self._status("" if plan.saved else "Nothing saved yet. The services below come from "
                     "your program's resources; keep, change or clear them.")
        self.query_one(f"#part-{plan.parts[0].id}", TextArea).focus()

    def texts(self) -> dict[str, str]:
        """What each part's box holds now, by part id."""
        if self.plan is None:
            return {}
        return {part.id: self.query_one(f"#part-{part.id}", TextArea).text
                for part in self.plan.parts}

    UNSAVED_WHAT = "plan"
    """What ctrl+q's warning calls the unsaved work (see ``CompanionApp.action_quit``)."""

    @property
    def unsaved_changes(self) -> bool:
        if self.plan is None:
            return False
        now = {k: v.strip() for k, v in self.texts().items() if v.strip()}
        before = {k: v.strip() for k, v in self.saved_texts.items() if v.strip()}
        return now != before

    def _status(self, text: str) -> None:
        self.query_one("#plan-status", Static).update(text)

    @on(TextArea.Changed, ".plan-part")
    def _changed(self) -> None:
        self.leave_armed = False

    # -- actions -------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.plan is not None:
            self.save()

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def save(self, then_print: str | None = None) -> None:
        app = companion_app(self)
        try:
            kept = await app.api.save_safety_plan(self.texts())
            plan = await app.api.safety_plan_view()
        except ServiceError as exc:
            app.report(exc, "saving your plan")
            return
        self.saved_texts = dict(kept)
        self.plan = plan
        self.query_one("#delete", Button).disabled = not plan.saved
        self._status("Saved on this machine." if kept else "Every part was empty: there is "
                     "no plan saved now.")
        if then_print is not None and kept:
            await self._print(then_print)

    @on(Button.Pressed, "#print")
    def action_print_plan(self) -> None:
        from companion.tui.screens.input_dialog import InputDialog

        if self.plan is None:
            return

        def chosen(values: list[str] | None) -> None:
            if values:
                self.save(then_print=values[0].strip())

        self.app.push_screen(InputDialog(
            "Write your plan to a file", [("A new Markdown file", DEFAULT_FILE)],
            note="A private copy for you (it is never added to an agenda). The plan is "
                 "saved first."), callback=chosen)

    async def _print(self, path: str) -> None:
        app = companion_app(self)
        try:
            written = await app.api.print_safety_plan(path)
        except ServiceError as exc:
            app.report(exc, "writing your plan to a file")
            return
        self._status(f"Written to {written}. Keep it somewhere only you can read.")

    @on(Button.Pressed, "#delete")
    def _ask_delete(self) -> None:
        def answered(choice: str | None) -> None:
            if choice == "delete":
                self.delete()

        self.app.push_screen(ConfirmDelete(), callback=answered)

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def delete(self) -> None:
        app = companion_app(self)
        try:
            await app.api.delete_safety_plan()
            plan = await app.api.safety_plan_view()
        except ServiceError as exc:
            app.report(exc, "deleting your plan")
            return
        await self.show_plan(plan)
        self._status("Your plan was deleted.")

    def action_leave(self) -> None:
        if self.unsaved_changes and not self.leave_armed:
            self.leave_armed = True
            self._status(f"Your changes are not saved: {SAVE_KEY} saves them, escape again "
                         "leaves without saving.")
            return
        self.app.pop_screen()
