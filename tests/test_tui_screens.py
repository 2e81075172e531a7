"""Pilot tests of the app on a model process started without models (fast).

Home, passphrase prompt, idle lock, check-in and trend, agenda export, help and
the command palette only need the journal, so the child skips loading models.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RadioSet
from tui_support import screen_name, text_of, until

from companion.service.client import ServiceClient
from companion.service.local import LocalCompanion
from companion.tui.app import make_app

NO_MODELS = [sys.executable, "-m", "companion.service", "--no-models"]
PASSPHRASE = "blue lantern"


@pytest.fixture
def client():
    service = ServiceClient(NO_MODELS)
    yield service
    service.close()


def encrypted_journal() -> None:
    core = LocalCompanion()
    core.set_passphrase(PASSPHRASE)
    core.lock()


async def test_home_at_80x24_shows_flows_nudge_and_help(client):
    core = LocalCompanion()
    core._open_journal().add_meeting(dt.date.today() - dt.timedelta(days=45), {},
                                     follow_ups=[{"text": "Draft the QI abstract",
                                                  "owner": "resident"}])
    core.lock()
    app = make_app(client=client)
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


async def test_passphrase_prompt_says_wrong_and_lets_retry(client):
    encrypted_journal()
    app = make_app(client=client)
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


async def test_idle_lock_hides_everything_until_the_passphrase(client):
    encrypted_journal()
    app = make_app(client=client, idle_lock_seconds=1.0)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: screen_name(app) == "PassphraseScreen")
        await pilot.press(*PASSPHRASE, "enter")
        await until(pilot, lambda: screen_name(app) == "HomeScreen")
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("j")  # the journal screen is open when the lock comes
        await until(pilot, lambda: screen_name(app) == "JournalScreen")
        await until(pilot, lambda: screen_name(app) == "PassphraseScreen", timeout=30)
        assert app.screen.mode == "lock"
        assert (await app.core("status"))["journal"] == "locked"
        await pilot.press("ctrl+p")  # no palette, no way around the lock
        await pilot.pause(0.2)
        assert screen_name(app) == "PassphraseScreen"
        await pilot.press(*PASSPHRASE, "enter")
        await until(pilot, lambda: screen_name(app) == "JournalScreen")
        assert (await app.core("status"))["journal"] == "open"


async def test_checkin_saves_and_the_trend_shows_it(client):
    app = make_app(client=client)
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


async def test_agenda_export_asks_about_identifiers_then_redacts(client, tmp_path):
    core = LocalCompanion()
    core._open_journal().add_topic("feedback-evaluation", "Asking for feedback",
                                   rationale="Since Mrs. Alvarez in room 4B", status="accepted")
    core.lock()
    target = tmp_path / "agenda.md"
    app = make_app(client=client)
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


async def test_agenda_edit_reorder_and_a_bad_review_file(client, tmp_path):
    core = LocalCompanion()
    journal = core._open_journal()
    for title in ("First topic", "Second topic"):
        journal.add_topic("career-planning", title, rationale="mine", status="accepted")
    core.lock()
    app = make_app(client=client)
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
        stored = {t["title"] for t in await app.core("topics", status="accepted")}
        assert "Ask about fellowships" in stored
        await pilot.press("i")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        app.screen.query_one(Input).value = str(tmp_path / "missing.json")
        await pilot.press("enter")
        await until(pilot, lambda: any("not found" in n.message for n in app._notifications))
        assert screen_name(app) == "AgendaScreen"  # an error is a message, not a crash


async def test_review_file_opens_the_mentor_screen_before_the_journal(client, tmp_path):
    from companion.agenda import Agenda, AgendaTopic

    encrypted_journal()  # the mentor is not asked for the resident's passphrase first
    agenda = Agenda(resident="A.B.", date=dt.date.today(),
                    topics=[AgendaTopic(id="1", topic_id="burnout", title="Night shifts")])
    path = tmp_path / "agenda.json"
    path.write_text(agenda.to_json(), encoding="utf-8")
    app = make_app(review_file=str(path), client=client)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: screen_name(app) == "ReviewScreen")
        await pilot.pause(0.5)
        assert screen_name(app) == "ReviewScreen"
        assert app.journal_state == "unknown"


async def test_command_palette_opens_screens(client):
    app = make_app(client=client)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: screen_name(app) == "CommandPalette")
        await pilot.press(*"knowledge")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "KnowledgeScreen")


async def test_journal_search_and_open_a_session(client):
    core = LocalCompanion()
    journal = core._open_journal()
    for flow, words in (("after-hard-shift", "the night float was brutal"),
                        ("career-crossroads", "cardiology fellowship or not")):
        session = journal.start_session(flow)
        journal.add_message(session, "resident", words)
        journal.end_session(session, {"text": f"**{flow}**: {words}."})
    core.lock()
    app = make_app(client=client)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("j")
        await until(pilot, lambda: screen_name(app) == "JournalScreen")
        table = app.screen.query_one("#sessions", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("slash", *"fellowship", "enter")
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[1]) == "career-crossroads"
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "SessionScreen")
        body = app.screen.query_one("#session-text")
        await until(pilot, lambda: "cardiology fellowship or not" in body.source)


async def test_settings_set_passphrase_and_theme(client):
    app = make_app(client=client)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.journal_state == "open")
        await pilot.press("s")
        await until(pilot, lambda: screen_name(app) == "SettingsScreen")
        assert "Passphrase: off" in text_of(app, "#passphrase-state")
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        await pilot.press(*PASSPHRASE, "enter", *PASSPHRASE, "enter")
        await until(pilot, lambda: "Passphrase: on" in text_of(app, "#passphrase-state"))
        assert (await app.core("status"))["encrypted"] is True
        await pilot.press("ctrl+t")
        await until(pilot, lambda: app.theme == "textual-light")
        await until(pilot, lambda: (app.settings or {}).get("theme") == "textual-light")
    client.close()  # the model process lets go of the journal
    assert LocalCompanion().status()["journal"] == "needs_passphrase"


def test_home_snapshot(client, snap_compare):
    app = make_app(client=client)

    async def loaded(pilot):
        await until(pilot, lambda: app.flows and app.models_state == "ready")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(100, 32), run_before=loaded)


async def test_quitting_with_an_unsaved_review_warns_once(client, tmp_path):
    from companion.agenda import Agenda, AgendaTopic

    agenda = Agenda(resident="A.B.", date=dt.date.today(),
                    topics=[AgendaTopic(id="1", topic_id="burnout", title="Night shifts")])
    path = tmp_path / "agenda.json"
    path.write_text(agenda.to_json(), encoding="utf-8")
    app = make_app(review_file=str(path), client=client)
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
