"""The check-in questions, one set of radio buttons per item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.widgets import RadioButton, RadioSet, Static

from companion.checkin import CheckinItem


class WrappingRadioButton(RadioButton):
    """A radio button whose long label wraps instead of being cut off (80 columns)."""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.render().wrap(max(1, width))))


class CheckinForm(VerticalScroll):
    """``answers()`` gives ``{item_id: value}`` for the items answered."""

    def __init__(self, items: Sequence[CheckinItem], **kwargs: Any):
        super().__init__(**kwargs)
        self.items = items

    def compose(self) -> ComposeResult:
        for number, item in enumerate(self.items, start=1):
            with Vertical(classes="checkin-item"):
                yield Static(f"[b]{number}. {item.question}[/b]")
                with RadioSet(id=f"item-{item.id}"):
                    for choice in item.choices:
                        yield WrappingRadioButton(choice.label, name=str(choice.value))

    def answers(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for item in self.items:
            radio = self.query_one(f"#item-{item.id}", RadioSet)
            if radio.pressed_button is not None:
                out[item.id] = int(radio.pressed_button.name or 0)
        return out
