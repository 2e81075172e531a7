"""Resources after a crisis screen, and the resources panel one key (f2) away anywhere.

After a crisis the resident can say they are safe and continue, or end the
session; nothing else from the flow (advice, topics) is shown. The panel shows
the same list from any screen. Both fit at 80x24 without scrolling, 911 included,
and both say so visibly when the institution's resources file is broken and the
built-in national resources are shown instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Markdown, Static

from companion.service.results import ResourceInfo, SafetyPlanView, SafetyView
from companion.textnorm import strip_controls
from companion.tui.screens.choice import ChoiceButtons

if TYPE_CHECKING:
    from companion.safety.resources import Resource

HEADING = ("What you wrote sounds really hard, and your safety matters more than this "
           "reflection. Please reach out to someone now:")


def plan_text(plan: SafetyPlanView) -> Text:
    """The written parts of the plan, each heading in bold, the resident's words plain."""
    shown = Text()
    for number, part in enumerate(plan.written()):
        if number:
            shown.append("\n")
        shown.append(strip_controls(part.heading) + ": ", style="bold")
        shown.append(strip_controls(part.text.strip()))
    return shown


def your_plan(plan: SafetyPlanView | None) -> list[Widget]:
    """The "Your plan" box shown first, above the hotlines, when the resident has one."""
    if plan is None or not plan.written():
        return []
    return [Static("Your plan, in your words", classes="section-title", id="your-plan-title"),
            VerticalScroll(Static(plan_text(plan), id="your-plan-text"), id="your-plan")]


PLAN_MAX_LINES = 10


def fit_plan_box(screen: Screen | ModalScreen) -> None:
    """Let the plan box grow no taller than its words (it otherwise takes every free line)."""
    boxes = screen.query("#your-plan")
    if boxes:
        box = boxes.first()
        lines = box.query_one("#your-plan-text").outer_size.height
        box.styles.max_height = min(PLAN_MAX_LINES, max(3, lines))


def resources_markdown(resources: Sequence[ResourceInfo] | Sequence[Resource]) -> str:
    """One compact bullet per resource: name, what to dial or text, what it is."""
    if not resources:
        from companion.safety.resources import FALLBACK_RESOURCES

        resources = list(FALLBACK_RESOURCES)
    lines = []
    for item in resources:
        name, contact = strip_controls(item.name), strip_controls(item.contact)
        what = strip_controls(item.what or "")
        lines.append(f"- **{name}: {contact}**" + (f" {what}" if what else ""))
    return "\n".join(lines)


class GroundingKey:
    """``g`` (and the Grounding button) opens the grounding exercise over the resources."""

    def action_grounding(self) -> None:
        from companion.tui.screens.grounding import GroundingScreen

        self.app.push_screen(GroundingScreen())  # type: ignore[attr-defined]  # a Screen mixin


class ResourcesScreen(GroundingKey, ChoiceButtons, Screen[str]):
    """Dismisses with ``"continue"`` (resident says they are safe) or ``"end"``."""

    BINDINGS = [
        Binding("c", "choose('continue')", "I'm safe, continue"),
        Binding("e", "choose('end')", "End the session"),
        Binding("g", "grounding", "Grounding"),
    ]

    def __init__(self, safety: SafetyView, reply: str = "", plan: SafetyPlanView | None = None):
        super().__init__()
        self.safety = safety
        self.reply = reply
        self.plan = plan
        """The resident's own plan, shown first when they wrote one."""

    def compose(self) -> ComposeResult:
        has_plan = self.plan is not None and bool(self.plan.written())
        with Vertical(id="resources-box", classes="with-plan" if has_plan else ""):
            yield Static("You are not alone", classes="section-title")
            heading = self.reply.split("\n\n")[0].strip() if self.reply else HEADING
            # The engine's reviewed words.
            yield Static(strip_controls(heading), id="resources-heading")
            yield from your_plan(self.plan)
            if self.safety.warning:
                yield Static(strip_controls(self.safety.warning), classes="resources-warning")
            with VerticalScroll(id="resources-list"):
                yield Markdown(resources_markdown(self.safety.resources))
            with Horizontal(classes="buttons"):
                # one line each beside a plan, so the plan gets those lines at 80x24
                yield Button("I'm safe, continue (c)", id="continue", variant="primary",
                             compact=has_plan)
                yield Button("End the session (e)", id="end", variant="default",
                             compact=has_plan)
                yield Button("Grounding (g)", id="grounding", variant="default",
                             compact=has_plan)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#end", Button).focus()
        self.call_after_refresh(fit_plan_box, self)

    def on_resize(self) -> None:
        self.call_after_refresh(fit_plan_box, self)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "grounding":
            self.action_grounding()
        else:
            super().on_button_pressed(event)


class ResourcesPanel(GroundingKey, ModalScreen[None]):
    """The resources, from any screen (f2 or the palette); escape or f2 closes it.

    Read here, not from the model process, so they show even when the models are
    loading or have failed; a broken resources file shows the built-in ones.
    """

    BINDINGS = [Binding("escape,f2", "close", "Close"), Binding("g", "grounding", "Grounding"),
                Binding("p", "plan", "My plan")]

    def compose(self) -> ComposeResult:
        from companion.safety.resources import resources_or_fallback

        resources, warning = resources_or_fallback()
        with Vertical(id="resources-box"):
            yield Static("Support, any time", classes="section-title")
            yield Static("If you are thinking about suicide or harming someone, or you just need "
                         "to talk, reach out now:", id="resources-heading")
            if warning:
                yield Static(strip_controls(warning), classes="resources-warning")
            with VerticalScroll(id="resources-list"):
                yield Markdown(resources_markdown(resources))
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="close", variant="primary")
                yield Button("Grounding (g)", id="grounding")
                yield Button("My plan (p)", id="plan")

    def on_mount(self) -> None:
        self.show_plan()

    @work(exclusive=True, group="panel-plan", exit_on_error=False)
    async def show_plan(self) -> None:
        """Put the resident's plan first once the journal answers (the list shows at once)."""
        from companion.service.errors import ServiceError
        from companion.tui.screens import companion_app

        app = companion_app(self)
        if getattr(app, "locked", True) or getattr(app, "journal_state", "") != "open":
            return
        try:
            plan = await app.api.safety_plan_view()
        except ServiceError:
            return  # the resources matter more than the plan here: never an error on top
        box = self.query_one("#resources-box", Vertical)
        shown = your_plan(plan)
        if shown:
            box.add_class("with-plan")
            await box.mount_all(shown, after="#resources-heading")
            self.call_after_refresh(fit_plan_box, self)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "grounding":
            self.action_grounding()
        elif event.button.id == "plan":
            self.action_plan()
        else:
            self.dismiss(None)

    def action_plan(self) -> None:
        from companion.tui.screens import companion_app

        app = companion_app(self)
        if app.locked:
            self.notify("Unlock the app to open your plan.", severity="warning")
            return
        below = app.screen_stack[-2] if len(app.screen_stack) > 1 else None
        self.dismiss(None)
        if type(below).__name__ != "PlanScreen":  # already open beneath: just go back to it
            app.open_screen("plan")

    def action_close(self) -> None:
        self.dismiss(None)

