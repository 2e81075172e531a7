"""Dialogs of the mentor review: one agreed follow-up, one advice card in full.

Kept apart from :mod:`companion.tui.screens.review` so the screen stays small;
the follow-up form validates its due date here and explains what it expects.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Markdown, Static

from companion.agenda import FollowUpItem
from companion.cards import Card

DATE_HELP = "use YYYY-MM-DD, for example 2026-12-15"


def parse_due(text: str) -> dt.date | None:
    """An optional due date typed as YYYY-MM-DD; raises ValueError with a clear message."""
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) == 10:  # fromisoformat also takes 20261215 and week dates; be strict
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"Due date '{text}' is not a valid date: {DATE_HELP}.")


def follow_up_text(item: FollowUpItem) -> str:
    due = f", by {item.due.isoformat()}" if item.due else ""
    return f"{item.text} ({item.owner}{due})"


class FollowUpDialog(ModalScreen[FollowUpItem | None]):
    """A small form for one agreed follow-up: text, owner, optional due date."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "add", "Add")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Agreed follow-up", classes="section-title")
            yield Label("What was agreed")
            yield Input(id="follow-up-text")
            yield Label("Owner")
            yield Input("resident", id="follow-up-owner")
            yield Label("Due date (optional, YYYY-MM-DD)")
            yield Input(placeholder="2026-12-15", id="follow-up-due")
            yield Static("", id="follow-up-error", classes="error")
            yield Static("Enter on the last field or ctrl+s to add · escape to cancel",
                         classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "follow-up-due":
            self.focus_next()
            return
        self.action_add()

    def action_add(self) -> None:
        error = self.query_one("#follow-up-error", Static)
        text = self.query_one("#follow-up-text", Input).value.strip()
        owner = self.query_one("#follow-up-owner", Input).value.strip() or "resident"
        if not text:
            error.update("Say what was agreed: the follow-up text cannot be empty.")
            self.query_one("#follow-up-text", Input).focus()
            return
        try:
            due = parse_due(self.query_one("#follow-up-due", Input).value)
        except ValueError as exc:
            error.update(str(exc))
            self.query_one("#follow-up-due", Input).focus()
            return
        self.dismiss(FollowUpItem(text=text, owner=owner, due=due))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MentorCardDialog(ModalScreen[None]):
    """One advice card in full, read from the card files; escape closes."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, card: Card):
        super().__init__(classes="dialog")
        self.card = card

    def compose(self) -> ComposeResult:
        from companion.tui.screens.card import card_markdown, card_view

        with Vertical(classes="dialog-box", id="card-box"):
            with VerticalScroll(id="card-scroll"):
                yield Markdown(card_markdown(card_view(self.card)), id="card-body")
            yield Static("escape to close", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#card-scroll").focus()
