"""A mixin for dialogs whose buttons and keys answer with one word (the button id)."""

from __future__ import annotations

from textual.widgets import Button


class ChoiceButtons:
    """Buttons dismiss the screen with their id; bindings call ``choose('<id>')``."""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)  # type: ignore[attr-defined]  # mixed into a Screen
