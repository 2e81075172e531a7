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

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Markdown, Static

from companion.service.results import ResourceInfo, SafetyView
from companion.textnorm import strip_controls
from companion.tui.screens.choice import ChoiceButtons

if TYPE_CHECKING:
    from companion.safety.resources import Resource

HEADING = ("What you wrote sounds really hard, and your safety matters more than this "
           "reflection. Please reach out to someone now:")


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


class ResourcesScreen(ChoiceButtons, Screen[str]):
    """Dismisses with ``"continue"`` (resident says they are safe) or ``"end"``."""

    BINDINGS = [
        Binding("c", "choose('continue')", "I'm safe, continue"),
        Binding("e", "choose('end')", "End the session"),
    ]

    def __init__(self, safety: SafetyView, reply: str = ""):
        super().__init__()
        self.safety = safety
        self.reply = reply

    def compose(self) -> ComposeResult:
        with Vertical(id="resources-box"):
            yield Static("You are not alone", classes="section-title")
            heading = self.reply.split("\n\n")[0].strip() if self.reply else HEADING
            # The engine's reviewed words.
            yield Static(strip_controls(heading), id="resources-heading")
            if self.safety.warning:
                yield Static(strip_controls(self.safety.warning), classes="resources-warning")
            with VerticalScroll(id="resources-list"):
                yield Markdown(resources_markdown(self.safety.resources))
            with Horizontal(classes="buttons"):
                yield Button("I'm safe, continue (c)", id="continue", variant="primary")
                yield Button("End the session (e)", id="end", variant="default")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#end", Button).focus()


class ResourcesPanel(ModalScreen[None]):
    """The resources, from any screen (f2 or the palette); escape or f2 closes it.

    Read here, not from the model process, so they show even when the models are
    loading or have failed; a broken resources file shows the built-in ones.
    """

    BINDINGS = [Binding("escape,f2", "close", "Close")]

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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

