"""Quick answers under the conversation: pick one instead of typing it.

The core offers them with some replies (a short reply, a feeling check, an offer
to add a clinical question to the mentor topics, a pick among themes); choosing
one sends its words as the resident's next message, exactly as if typed.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


def without_choices_line(reply: str, choices: Sequence[str]) -> str:
    """The reply without its last paragraph when that paragraph only lists ``choices``
    (the core writes them into the text too, for the command line)."""
    line = " · ".join(choices)
    head, sep, last = reply.rpartition("\n\n")
    return head if choices and sep and last.strip() == line else reply


class QuickChoices(OptionList):
    """Posts ``QuickChoices.Picked(text)`` when the resident chooses an answer."""

    class Picked(Message):
        def __init__(self, text: str):
            super().__init__()
            self.text = text

    def show(self, choices: Sequence[str]) -> None:
        """Offer ``choices`` (hidden when there are none)."""
        self.clear_options()
        self.add_options([Option(choice) for choice in choices])
        self.display = bool(choices)
        if choices:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(str(event.option.prompt)))
