"""Resources after a crisis screen: shown at once, instead of the reflection flow.

The resident can say they are safe and continue, or end the session. Nothing else
from the flow (advice, topics) is shown on this screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Markdown, Static

from companion.service.results import ResourceInfo, SafetyView
from companion.tui.screens.choice import ChoiceButtons

HEADING = ("What you wrote sounds really hard, and your safety matters more than this "
           "reflection. Please reach out to someone now:")


def resources_markdown(resources: Sequence[ResourceInfo]) -> str:
    if not resources:
        return ("- **Emergency services**: call your local emergency number now.\n"
                "- Tell someone near you: a colleague, your chief, a friend.")
    lines = []
    for item in resources:
        line = f"- **{item.name}**: {item.contact}"
        extra = " ".join(part for part in (item.what, item.when) if part)
        lines.append(line + (f"  \n  {extra}" if extra else ""))
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
            yield Static(heading, id="resources-heading")  # the engine's reviewed words
            with VerticalScroll(id="resources-list"):
                yield Markdown(resources_markdown(self.safety.resources))
            with Horizontal(classes="buttons"):
                yield Button("I'm safe, continue (c)", id="continue", variant="primary")
                yield Button("End the session (e)", id="end", variant="default")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#end", Button).focus()
