"""The `check` question: asked once, directly and kindly, with the answers as buttons.

The engine asks this when the evidence is weaker than a crisis (the model alone,
ambiguous slang, a single euphemism). Yes or not sure lead to the resources;
no lets the reflection continue. The resources stay one key away meanwhile.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from companion.service.results import CheckAnswer, SafetyCheck
from companion.textnorm import strip_controls
from companion.tui.screens.choice import ChoiceButtons

QUESTION = ("Some of what you wrote sounds heavy. Are you having thoughts of ending your "
            "life, or of hurting someone?")


class SafetyCheckDialog(ChoiceButtons, ModalScreen[str]):
    """Dismisses with ``"yes"``, ``"no"`` or ``"not_sure"`` (escape counts as not sure)."""

    BINDINGS = [
        Binding("y", "choose('yes')", "Yes"),
        Binding("n", "choose('no')", "No"),
        Binding("s,escape", "choose('not_sure')", "Not sure"),
    ]

    def __init__(self, check: SafetyCheck | None):
        super().__init__(classes="dialog")
        self.check = check or SafetyCheck(QUESTION)

    def compose(self) -> ComposeResult:
        answers = self.check.answers or [CheckAnswer("yes", "Yes"), CheckAnswer("no", "No"),
                                         CheckAnswer("not_sure", "Not sure")]
        keys = {"yes": "y", "no": "n", "not_sure": "s"}
        with Vertical(classes="dialog-box", id="check-box"):
            yield Static("A question, because it matters", classes="section-title")
            yield Static(strip_controls(self.check.question or QUESTION), id="check-question")
            if self.check.note:
                yield Static(strip_controls(self.check.note), classes="hint")
            with Horizontal(classes="buttons"):
                for answer in answers:
                    key = keys.get(answer.id, "")
                    yield Button(f"{answer.label} ({key})", id=answer.id,
                                 variant="primary" if answer.id == "yes" else "default")

    def on_mount(self) -> None:
        self.query_one("#not_sure", Button).focus()
