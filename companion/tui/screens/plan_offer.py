"""The one gentle offer of a plan for hard days, after a hard week's check-in.

The core decides when it is due (:meth:`CompanionAPI.plan_offer`: high burnout
or low support, no plan yet, never answered) and remembers the answer, so
after "no" it is never made again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from companion.service.errors import ServiceError
from companion.tui.screens import companion_app
from companion.tui.screens.choice import ChoiceButtons

OFFER = "Would you like to write a plan for hard days? It stays on this machine."
NOTE = ("A few lines, in your own words: what you notice when things get hard, what helps, "
        "who you can reach. You can find it later under My plan (p on the home screen).")


class PlanOfferDialog(ChoiceButtons, ModalScreen[str]):
    """Dismisses with ``"yes"`` or ``"no"`` (escape counts as no: not asked again)."""

    BINDINGS = [Binding("y", "choose('yes')", "Yes"),
                Binding("n,escape", "choose('no')", "No, thanks")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="plan-offer-box"):
            yield Static("A plan for hard days", classes="section-title")
            yield Static(OFFER, id="plan-offer-question")
            yield Static(NOTE, classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Yes, let's write it (y)", id="yes", variant="primary")
                yield Button("No, thanks (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()


async def offer_plan_if_due(node: DOMNode) -> bool:
    """Ask once when the core says the offer is due; True when the resident said yes.

    Call from a worker (it waits for the answer). Errors are quiet: an offer that
    cannot be made is not worth an error message after a hard week.
    """
    app = companion_app(node)
    try:
        if not await app.api.plan_offer():
            return False
    except ServiceError:
        return False
    accepted = await app.push_screen_wait(PlanOfferDialog()) == "yes"
    try:
        await app.api.answer_plan_offer(accepted)
    except ServiceError as exc:
        app.report(exc, "remembering your answer")
    return accepted
