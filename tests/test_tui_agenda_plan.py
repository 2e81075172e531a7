"""The resident's agenda shows and edits what they need from the mentor on each topic.

Pilot tests on the in-process API over the fakes (no model process): the need,
decision and deadline are saved in the journal and reach the exported page.
"""

from __future__ import annotations

import json

from textual.widgets import DataTable, Input, Select, Static
from tui_support import screen_name, until

from companion.journal import Journal
from companion.tui.app import make_app

DECISION = "Which fellowship programs to apply to"


async def open_agenda(pilot, app) -> DataTable:
    await until(pilot, lambda: app.journal_state == "open")
    await pilot.press("a")
    await until(pilot, lambda: screen_name(app) == "AgendaScreen")
    table = app.screen.query_one("#agenda", DataTable)
    await until(pilot, lambda: table.row_count == 1)
    return table


async def test_the_resident_sets_need_decision_and_deadline_and_they_reach_the_page(
        api, tmp_path):
    with Journal.open() as journal:
        journal.add_topic("career-planning", "Fellowship choices",
                          rationale="Cardiology or hospitalist?", status="accepted")
    target = tmp_path / "agenda.json"
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        table = await open_agenda(pilot, app)
        assert str(table.get_row_at(0)[3]) == "advice (proposed)"  # the topic's default
        await pilot.press("n")
        await until(pilot, lambda: screen_name(app) == "TopicPlanDialog")
        app.screen.query_one("#plan-need", Select).value = "sponsor"
        app.screen.query_one("#plan-decision", Input).value = DECISION
        app.screen.query_one("#plan-deadline", Input).value = "2027-01-15"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "sponsorship" in str(table.get_row_at(0)[3]))
        assert str(table.get_row_at(0)[3]) == \
            f"sponsorship · decide: {DECISION} · by 2027-01-15"
        (stored,) = await api.topics(status="accepted")
        assert (stored.need, stored.decision, stored.deadline) == (
            "sponsor", DECISION, "2027-01-15")

        await pilot.press("J")
        await until(pilot, lambda: screen_name(app) == "InputDialog")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: target.exists())
    topic = json.loads(target.read_text(encoding="utf-8"))["topics"][0]
    assert (topic["need"], topic["decision"], topic["deadline"]) == (
        "sponsor", DECISION, "2027-01-15")


async def test_a_bad_deadline_is_refused_in_the_dialog_and_nothing_is_saved(api):
    with Journal.open() as journal:
        journal.add_topic("burnout", "Running on empty", rationale="Six nights",
                          status="accepted")
    app = make_app(api=api)
    async with app.run_test(size=(100, 32)) as pilot:
        table = await open_agenda(pilot, app)
        assert str(table.get_row_at(0)[3]) == "listen (proposed)"
        await pilot.press("n")
        await until(pilot, lambda: screen_name(app) == "TopicPlanDialog")
        app.screen.query_one("#plan-deadline", Input).value = "next Tuesday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(app) == "TopicPlanDialog"
        assert "2027-01-31" in str(app.screen.query_one("#plan-error", Static).render())
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "AgendaScreen")
        (stored,) = await api.topics(status="accepted")
        assert (stored.need, stored.decision, stored.deadline) == ("", "", "")
