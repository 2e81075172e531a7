"""Pilot tests of the app on the in-process API with small fake models (fast).

Home, passphrase prompt, idle lock, check-in and trend, agenda export, help and
the command palette only need the journal; the API runs in this process on a
hashing embedder (``tui_support.fake_api``), through the same wire encoding and
error codes as the model process.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RadioSet
from tui_support import fake_models, screen_name, text_of, until

from companion.journal import Journal
from companion.service.local import LocalCompanion
from companion.tui.app import make_app

PASSPHRASE = "blue lantern"


def encrypted_journal() -> None:
    Journal.open(passphrase=PASSPHRASE).close()  # a new journal: the passphrase turns it on


async def test_home_at_80x24_shows_flows_nudge_and_help(api):
    with Journal.open() as journal:
        journal.add_meeting(dt.date.today() - dt.timedelta(days=45), {},
                            follow_ups=[{"text": "Draft the QI abstract", "owner": "resident"}])
    app = make_app(api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.flows)
        await until(pilot, lambda: "45 days" in text_of(app, "#meeting"))
        assert "book one" in text_of(app, "#meeting")
        assert "Draft the QI abstract (resident)" in text_of(app, "#follow-ups")
        flows = app.screen.query_one("#flows")
        assert flows.option_count == len(app.flows) >= 3
        await pilot.press("question_mark")
        await until(pilot, lambda: screen_name(app) == "HelpScreen")
        keys = app.screen.query_one("#help-table", DataTable)
        described = {str(keys.get_row_at(i)[1]) for i in range(keys.row_count)}
        assert {"Quick check-in", "Mentor agenda", "Command palette: every screen and action"} \
            <= described
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "HomeScreen")


async def test_passphrase_prompt_says_wrong_and_lets_retry(api):
    encrypted_journal()
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: screen_name(app) == "PassphraseScreen")
        assert app.journal_state == "needs_passphrase"
        await pilot.press(*"wrong", "enter")
        await until(pilot, lambda: "not right" in text_of(app, "#passphrase-error"))
        assert screen_name(app) == "PassphraseScreen"
        await pilot.press(*PASSPHRASE, "enter")
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        # the unlock callback may run a frame after the home screen shows
        await until(pilot, lambda: app.journal_state == "open" and app.encrypted)
        await until(pilot, lambda: "No mentor meeting" in text_of(app, "#meeting"))


async def test_idle_lock_hides_everything_until_the_passphrase(api):
    encrypted_journal()
    # A long limit until the journal screen is up: on a loaded machine a 1 s limit could
    # lock before "j" was handled (a race in the test, not in the app).
    app = make_app(api=api, idle_lock_seconds=600.0)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: screen_name(app) == "PassphraseScreen")
        await pilot.press(*PASSPHRASE, "enter")
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("j")  # the journal screen is open when the lock comes
        await until(pilot, lambda: screen_name(app) == "JournalScreen")
        app._idle_override = 1.0  # now let the idle lock come
        await until(pilot, lambda: screen_name(app) == "PassphraseScreen", timeout=30)
        assert app.screen.mode == "lock"
        await until(pilot, lambda: "lock" in api.requests)  # calls run in order
        assert (await api.status()).state == "locked"
        await pilot.press("ctrl+p")  # no palette, no way around the lock
        await pilot.pause(0.2)
        assert screen_name(app) == "PassphraseScreen"
        await pilot.press(*PASSPHRASE, "enter")
        await until(pilot, lambda: screen_name(app) == "JournalScreen")
        assert (await api.status()).state == "open"


async def test_checkin_saves_and_the_trend_shows_it(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("c")
        await until(pilot, lambda: len(app.screen.query(RadioSet)) > 0)
        radios = list(app.screen.query(RadioSet))
        for radio in radios:  # answer every item with its third choice
            radio.focus()
            await pilot.press("down", "down", "enter")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen_name(app) == "TrendsScreen")
        table = app.screen.query_one("#trend-table", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        date, burnout, wellbeing = (str(cell) for cell in table.get_row_at(0))
        assert date == dt.date.today().isoformat()
        assert burnout == "3"
        assert float(wellbeing) == pytest.approx(50.0)
        assert "1 check-in(s)" in text_of(app, "#trend-summary")
        assert app.screen.query("PlotextPlot")


async def test_agenda_export_asks_about_identifiers_then_redacts(api, tmp_path):
    with Journal.open() as journal:
        journal.add_topic("feedback-evaluation", "Asking for feedback",
                          rationale="Since Mrs. Alvarez in room 4B", status="accepted")
    target = tmp_path / "agenda.md"
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen")
        table = app.screen.query_one("#agenda", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[1]) == "Asking for feedback"
        await pilot.press("m")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "FindingsDialog")
        assert not target.exists()  # nothing written before the resident decides
        await pilot.press("r")
        await until(pilot, lambda: target.exists())
        text = Path(target).read_text(encoding="utf-8")
        assert "Asking for feedback" in text and "Alvarez" not in text
        await until(pilot, lambda: table.row_count == 1 and str(table.get_row_at(0)[2]) == "shared")


async def test_agenda_edit_reorder_and_a_bad_review_file(api, tmp_path):
    with Journal.open() as journal:
        for title in ("First topic", "Second topic"):
            journal.add_topic("career-planning", title, rationale="mine", status="accepted")
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen")
        table = app.screen.query_one("#agenda", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        titles = lambda: [str(table.get_row_at(i)[1]) for i in range(table.row_count)]  # noqa: E731
        await pilot.press("right_square_bracket")  # move the first topic down
        await until(pilot, lambda: titles() == ["Second topic", "First topic"])
        await pilot.press("e")
        await until(pilot, lambda: screen_name(app) == "TopicEditDialog")
        app.screen.query_one("#topic-title", Input).value = "Ask about fellowships"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Ask about fellowships" in titles())
        stored = {t.title for t in await api.topics(status="accepted")}
        assert "Ask about fellowships" in stored
        await pilot.press("i")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        app.screen.query_one(Input).value = str(tmp_path / "missing.json")
        await pilot.press("enter")
        await until(pilot, lambda: any("not found" in n.message for n in app._notifications))
        assert screen_name(app) == "AgendaScreen"  # an error is a message, not a crash


async def test_review_file_opens_the_mentor_screen_before_the_journal(api, tmp_path):
    from companion.agenda import Agenda, AgendaTopic

    encrypted_journal()  # the mentor is not asked for the resident's passphrase first
    agenda = Agenda(resident="A.B.", date=dt.date.today(),
                    topics=[AgendaTopic(id="1", topic_id="burnout", title="Night shifts")])
    path = tmp_path / "agenda.json"
    path.write_text(agenda.to_json(), encoding="utf-8")
    app = make_app(review_file=str(path), api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: screen_name(app) == "ReviewScreen")
        await pilot.pause(0.5)
        assert screen_name(app) == "ReviewScreen"
        assert app.journal_state == "unknown"


async def test_command_palette_opens_screens(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: screen_name(app) == "CommandPalette")
        await pilot.press(*"knowledge")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "KnowledgeScreen")


async def test_journal_search_and_open_a_session(api):
    with Journal.open() as journal:
        for flow, words in (("after-hard-shift", "the night float was brutal"),
                            ("career-crossroads", "cardiology fellowship or not")):
            session = journal.start_session(flow)
            journal.add_message(session, "resident", words)
            journal.end_session(session, {"text": f"**{flow}**: {words}."})
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("j")
        await until(pilot, lambda: screen_name(app) == "JournalScreen")
        table = app.screen.query_one("#sessions", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("slash", *"fellowship", "enter")
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[1]) == "Career crossroads"  # the flow's title
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "SessionScreen")
        body = app.screen.query_one("#session-text")
        await until(pilot, lambda: "cardiology fellowship or not" in body.source)


async def test_settings_set_passphrase_and_theme(api):
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("s")
        await until(pilot, lambda: screen_name(app) == "SettingsScreen")
        assert "Passphrase: off" in text_of(app, "#passphrase-state")
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        await pilot.press(*PASSPHRASE, "enter", *PASSPHRASE, "enter")
        await until(pilot, lambda: "Passphrase: on" in text_of(app, "#passphrase-state"))
        assert (await api.status()).encrypted is True
        await pilot.press("ctrl+t")
        await until(pilot, lambda: app.theme == "textual-light")
        await until(pilot, lambda: app.settings.theme == "textual-light")
    await api.close()  # the core lets go of the journal
    assert LocalCompanion().status().state == "needs_passphrase"


def test_home_snapshot(api, snap_compare):
    app = make_app(api=api)

    async def loaded(pilot):
        await until(pilot, lambda: app.flows and app.models_state == "ready")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(100, 32), run_before=loaded)


async def test_quitting_with_an_unsaved_review_warns_once(api, tmp_path):
    from companion.agenda import Agenda, AgendaTopic

    agenda = Agenda(resident="A.B.", date=dt.date.today(),
                    topics=[AgendaTopic(id="1", topic_id="burnout", title="Night shifts")])
    path = tmp_path / "agenda.json"
    path.write_text(agenda.to_json(), encoding="utf-8")
    app = make_app(review_file=str(path), api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: screen_name(app) == "ReviewScreen")
        await pilot.pause(0.3)
        assert app.screen.unsaved_changes is False
        await pilot.press("d")  # mark the topic discussed
        assert app.screen.unsaved_changes is True
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert app.return_code is None, "the first ctrl+q only warns"
        assert any("not saved" in n.message for n in app._notifications)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.unsaved_changes is False)
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert app.return_code == 0
    assert (tmp_path / "agenda.reviewed.json").is_file()


async def test_models_that_cannot_load_are_said_with_the_reason():
    from companion.models import ModelMissingError
    from companion.service.inprocess import InProcessCompanion
    from companion.service.local import LocalCompanion

    class Missing(LocalCompanion):
        def warm_up(self):
            raise ModelMissingError("the embedding model is not installed (test)")

    api = InProcessCompanion(Missing(**fake_models()))
    try:
        app = make_app(api=api)
        async with app.run_test(size=(100, 32)) as pilot:
            await until(pilot, lambda: app.models_state == "failed")
            said = [n for n in app._notifications
                    if n.title == "The models could not be loaded"]
            assert said and "the embedding model is not installed (test)" in said[0].message
    finally:
        await api.close()
