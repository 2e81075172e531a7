"""Crafted text on screen: escape sequences and markup from files never reach the terminal.

The mentor review screen and the resident's home screen show text that came from
files (an agenda, an imported review). These tests put OSC 52 (clipboard write),
ESC[2J (clear screen), OSC 0 (window title) and Textual markup into that text and
check what the widgets render and what the screenshot holds.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from textual.app import App
from textual.widgets import OptionList, Static
from tui_support import text_of, until

import companion.tui
from companion.agenda import Agenda, AgendaTopic, CardRef, FollowUpItem
from companion.journal import Journal
from companion.tui.app import make_app
from companion.tui.screens import review as review_module
from companion.tui.screens.review import ReviewScreen

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
EVIL = OSC52 + CLEAR + TITLE + "\x9b31m"
RAW_MARKS = ("\x1b", "\x07", "\x9b", "52;c;", "]0;", "pwned")


def assert_clean(text: str) -> None:
    for mark in RAW_MARKS:
        assert mark not in text, f"{mark!r} reached the screen: {text!r}"


class ReviewHost(App):
    CSS_PATH = Path(companion.tui.__file__).parent / "app.tcss"

    def __init__(self, review_file: Path):
        super().__init__()
        self.review_file = review_file

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(str(self.review_file)))


def crafted_agenda_json() -> str:
    return json.dumps({
        "schema": "resident-companion/agenda@1", "date": "2026-11-20",
        "resident": f"J.D.{EVIL}",
        "topics": [{"id": "7", "topic_id": "burnout", "title": f"Running on empty{OSC52}",
                    "rationale": f"Nights{TITLE} [@click=app.quit]wear[/] me down{CLEAR}",
                    "questions": [f"How did you cope?{EVIL}"],
                    "cards": [{"id": "burnout-three-dimensions", "title": f"Three{EVIL}"}]}],
        "follow_ups": [{"text": f"Draft the abstract{EVIL}", "owner": f"resident{CLEAR}"}],
    })


def everything_shown(screen) -> str:
    parts = [str(widget.render()) for widget in screen.query(Static)]
    for listing in screen.query(OptionList):
        parts += [str(listing.get_option_at_index(i).prompt)
                  for i in range(listing.option_count)]
    return "\n".join(parts)


async def test_review_screen_shows_a_crafted_agenda_file_without_escapes(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(crafted_agenda_json(), encoding="utf-8")
    app = ReviewHost(path)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        shown = everything_shown(screen)
        assert "Running on empty" in shown and "How did you cope?" in shown
        assert "Draft the abstract" in shown and "J.D." in shown
        assert "[@click=app.quit]wear[/]" in shown  # markup in a file is shown, not obeyed
        assert_clean(shown)
        assert_clean(app.export_screenshot())


async def test_review_screen_strips_even_an_agenda_that_skipped_the_loader(tmp_path,
                                                                           monkeypatch):
    """Display strips on its own: an agenda built in memory (not parsed) is shown clean too."""
    raw = Agenda.model_construct(
        schema_="resident-companion/agenda@1", resident=f"J.D.{EVIL}",
        date=dt.date(2026, 11, 20), review=None,
        topics=[AgendaTopic.model_construct(
            id="7", topic_id="burnout", title=f"Running on empty{OSC52}",
            rationale=f"Nights{TITLE}", questions=[f"How?{EVIL}"],
            cards=[CardRef.model_construct(id="x", title=f"Three{EVIL}")])],
        follow_ups=[FollowUpItem.model_construct(text=f"Draft{EVIL}", owner="resident",
                                                 due=None)])
    monkeypatch.setattr(review_module, "load_agenda", lambda path: raw)
    app = ReviewHost(tmp_path / "unused.json")
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = everything_shown(app.screen)
        assert "Running on empty" in shown and "Nights" in shown and "How?" in shown
        assert_clean(shown)
        assert_clean(app.export_screenshot())


async def test_review_error_for_a_crafted_key_is_shown_clean(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps({"schema": "resident-companion/agenda@1", "date": "2026-11-20",
                                f"[b]x{OSC52}": 1}), encoding="utf-8")
    app = ReviewHost(path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        error = str(app.screen.query_one("#review-error", Static).render())
        assert "cannot be opened" in error and "'[b]x'" in error
        assert_clean(error)


async def test_home_screen_shows_imported_follow_ups_without_escapes(api):
    with Journal.open() as journal:  # as an import by an older version left them
        journal.add_meeting(dt.date.today(), {}, follow_ups=[
            {"text": f"Sleep plan{EVIL}", "owner": f"resident{CLEAR}"},
            {"text": "Read [@click=app.quit]this[/]", "owner": "resident"}])
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: "Sleep plan" in text_of(app, "#follow-ups"))
        shown = text_of(app, "#follow-ups")
        assert "(resident)" in shown and "Read [@click=app.quit]this[/]" in shown
        assert_clean(shown)
        assert_clean(app.export_screenshot())
