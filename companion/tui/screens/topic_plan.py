"""Say what you need from your mentor on a topic, and any decision with its deadline.

The three fields go on the mentor's page beside the topic (what the mentor is asked
for, the decision, by when); they are saved in the journal, sealed like the topic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from companion.agenda import NEEDS
from companion.journal import Topic

NEED_WORDS = {"listen": "listen", "advise": "give me advice", "advocate": "advocate for me",
              "introduce": "introduce me to someone", "sponsor": "put my name forward (sponsor)"}
"""How the resident reads each need, finishing "I need my mentor to ..."."""
NEED_CHOICES = [(NEED_WORDS[need], need) for need in NEEDS]


@dataclass(frozen=True)
class TopicPlan:
    """What the resident plans to ask of the mentor for one topic ("" when not said)."""

    need: str
    decision: str
    deadline: str


class TopicPlanDialog(ModalScreen[TopicPlan | None]):
    """Dismisses with the :class:`TopicPlan`, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, topic: Topic, proposed_need: str = "advise"):
        super().__init__(classes="dialog")
        self.topic = topic
        self.proposed_need = topic.need or proposed_need

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(f"What you need from your mentor: {self.topic.title}",
                         classes="section-title", markup=False)
            yield Label("I need my mentor to")
            yield Select(NEED_CHOICES, value=self.proposed_need, allow_blank=False,
                         id="plan-need")
            yield Label("A decision I need to make (optional)")
            yield Input(self.topic.decision, placeholder="e.g. which fellowship to apply to",
                        id="plan-decision")
            yield Label("Deadline (optional, YYYY-MM-DD)")
            yield Input(self.topic.deadline, placeholder="2027-01-31", id="plan-deadline")
            yield Static("", id="plan-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "plan-deadline":
            self.action_save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        deadline = self.query_one("#plan-deadline", Input).value.strip()
        if deadline:
            try:
                deadline = dt.date.fromisoformat(deadline).isoformat()
            except ValueError:
                self.query_one("#plan-error", Static).update(
                    "Write the deadline as a date like 2027-01-31, or leave it empty.")
                return
        need = self.query_one("#plan-need", Select).value
        decision = " ".join(self.query_one("#plan-decision", Input).value.split())
        self.dismiss(TopicPlan(str(need), decision, deadline))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
