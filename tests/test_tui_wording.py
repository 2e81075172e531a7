"""What the app says, to whom: the mentor is not told "You wrote:", the export dialog
does not deny quoting the journal while it quotes it, and switching the generator on
with no model says so at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import App
from textual.widgets import Static, Switch
from tui_support import screen_name, until

import companion.tui
from companion.agenda import Agenda, AgendaTopic
from companion.journal import Journal
from companion.tui.app import make_app
from companion.tui.screens.review import ReviewScreen

QUOTE = "I dread the next block of nights"


class ReviewHost(App):
    CSS_PATH = Path(companion.tui.__file__).parent / "app.tcss"

    def __init__(self, review_file: Path):
        super().__init__()
        self.review_file = review_file

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(str(self.review_file)))


async def test_the_mentor_view_does_not_say_you_wrote_to_the_mentor(tmp_path):
    path = tmp_path / "agenda.json"
    agenda = Agenda(resident="J.D.", date=dt.date(2026, 11, 20), topics=[
        AgendaTopic(id="7", topic_id="burnout", title="Running on empty",
                    rationale=f'You wrote: "{QUOTE}"')])
    path.write_text(agenda.to_json(), encoding="utf-8")
    app = ReviewHost(path)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.screen.query_one("#topic-rationale", Static).render())
        assert QUOTE in shown
        assert "You wrote" not in shown


async def test_the_export_dialog_says_what_the_file_quotes(api):
    with Journal.open() as journal:
        journal.add_topic("burnout", "Running on empty", rationale=f'You wrote: "{QUOTE}"',
                          status="accepted")
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen" and app.screen.topics)
        await pilot.press("m")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        note = " ".join(str(s.render()) for s in app.screen.query(".hint"))
        assert "no journal text" not in note, "the rationale it exports quotes the journal"
        assert "quote you" in note and "no conversations" in note


async def test_switching_the_generator_on_without_a_model_says_so(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("s")
        await until(pilot, lambda: screen_name(app) == "SettingsScreen")
        switch = app.screen.query_one("#generator_enabled", Switch)
        assert not switch.value and not app.settings.generator_path
        switch.value = True
        await until(pilot, lambda: any(n.title == "Generator" for n in app._notifications))
        said = next(n for n in app._notifications if n.title == "Generator")
        assert said.severity == "warning"
        assert "No generator model is set" in said.message
        assert "generator_path" in said.message
