"""Grounding: a short guided exercise for a hard moment, with the resources still on screen.

Paced breathing (in for 4 seconds, out for 6: about six breaths a minute) with a
visible timer, or the 5-4-3-2-1 senses exercise one step at a time. Either stops
by key at any moment. It never replaces the resources: they stay on this screen.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Markdown, ProgressBar, Static

from companion.tui.screens.resources import resources_markdown

BREATHE_IN_SECONDS = 4.0
BREATHE_OUT_SECONDS = 6.0
BREATHING_SECONDS = 120.0
"""Two minutes, then the exercise ends by itself."""
TICK_SECONDS = 0.1

SENSES = (
    "Look around: name 5 things you can see.",
    "Notice 4 things you can touch or feel: your feet on the floor, your hands, your clothes.",
    "Listen: name 3 things you can hear.",
    "Name 2 things you can smell (or two smells you like).",
    "Name 1 thing you can taste, or take a sip of water.",
)
INTRO = "A couple of minutes to slow down. Stop whenever you like."
IDLE = "b: paced breathing · f: 5-4-3-2-1 senses"


class GroundingScreen(Screen):
    """The exercise on top, the resources below it."""

    BINDINGS = [
        Binding("b", "breathe", "Breathing"),
        Binding("f", "senses", "5-4-3-2-1"),
        Binding("n", "next_sense", "Next step", show=False),
        Binding("space,x", "stop", "Stop"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exercise = ""
        """"breathing", "senses" or "" (none running)."""
        self.breath_timer: Timer | None = None
        self.breath_started = 0.0
        self.breath_elapsed = 0.0
        self.sense_step = 0

    def compose(self) -> ComposeResult:
        from companion.safety.resources import resources_or_fallback

        yield Header()
        with Vertical(classes="main", id="grounding"):
            yield Static(INTRO, classes="hint", id="grounding-intro")
            with Vertical(id="grounding-box"):
                yield Static(IDLE, id="grounding-prompt")
                yield ProgressBar(total=100, show_eta=False, show_percentage=False,
                                  id="breath-bar")
                yield Static("", id="grounding-clock", classes="hint")
            with Vertical(id="grounding-resources"):
                yield Static("If you need someone now", classes="section-title")
                resources, _ = resources_or_fallback()
                yield Markdown(resources_markdown(resources))
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Grounding"
        self.query_one("#breath-bar").display = False

    def _prompt(self, text: str, clock: str = "") -> None:
        self.query_one("#grounding-prompt", Static).update(text)
        self.query_one("#grounding-clock", Static).update(clock)

    # -- paced breathing -----------------------------------------------------------
    def action_breathe(self) -> None:
        self._halt()
        self.exercise = "breathing"
        self.breath_started = time.monotonic()
        self.breath_elapsed = 0.0
        self.query_one("#breath-bar").display = True
        self._breathe()
        self.breath_timer = self.set_interval(TICK_SECONDS, self._breathe)

    def _breathe(self) -> None:
        self.breath_elapsed = time.monotonic() - self.breath_started
        if self.breath_elapsed >= BREATHING_SECONDS:
            self._halt()
            self._prompt("Well done. Notice how you feel now.", f"{IDLE} · escape: back")
            return
        cycle = BREATHE_IN_SECONDS + BREATHE_OUT_SECONDS
        into = self.breath_elapsed % cycle
        if into < BREATHE_IN_SECONDS:
            phase, left, filled = "Breathe in", BREATHE_IN_SECONDS - into, into / BREATHE_IN_SECONDS
        else:
            out = into - BREATHE_IN_SECONDS
            phase, left = "Breathe out, slowly", BREATHE_OUT_SECONDS - out
            filled = 1 - out / BREATHE_OUT_SECONDS
        self.query_one("#breath-bar", ProgressBar).update(progress=round(filled * 100))
        remaining = int(BREATHING_SECONDS - self.breath_elapsed)
        self._prompt(f"{phase} … {int(left) + 1}",
                     f"{remaining // 60}:{remaining % 60:02d} left · space stops")

    # -- 5-4-3-2-1 -----------------------------------------------------------------
    def action_senses(self) -> None:
        self._halt()
        self.exercise = "senses"
        self.sense_step = 0
        self._show_sense()

    def action_next_sense(self) -> None:
        if self.exercise != "senses":
            return
        self.sense_step += 1
        if self.sense_step >= len(SENSES):
            self._halt()
            self._prompt("Well done. You are here, now.", f"{IDLE} · escape: back")
            return
        self._show_sense()

    def _show_sense(self) -> None:
        self._prompt(SENSES[self.sense_step],
                     f"Step {self.sense_step + 1} of {len(SENSES)} · n: next · space stops")

    # -- stopping ------------------------------------------------------------------
    def action_stop(self) -> None:
        if self.exercise:
            self._halt()
            self._prompt("Stopped. " + IDLE)

    def _halt(self) -> None:
        if self.breath_timer is not None:
            self.breath_timer.stop()
            self.breath_timer = None
        self.exercise = ""
        self.query_one("#breath-bar").display = False

    def action_leave(self) -> None:
        self._halt()
        self.app.pop_screen()
